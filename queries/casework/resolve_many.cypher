// Which entities the ids of an outcomes file name, many at once: each reference with the ids it may
// stand for per type (a number as written and normalised, a card with its spaces dropped, a person by
// their key or identity number). A reference that names nothing returns no row.
// Parameters: $refs, a list of {ref, person: [..], id_number: [..], sim: [..], account: [..], device: [..]}.
UNWIND $refs AS r
CALL (r) {
  MATCH (n:Person) WHERE n.person_id IN r.person RETURN n
  UNION
  MATCH (n:Person) WHERE n.id_number IN r.id_number RETURN n
  UNION
  MATCH (n:Sim) WHERE n.msisdn IN r.sim RETURN n
  UNION
  MATCH (n:Account) WHERE n.account_id IN r.account RETURN n
  UNION
  MATCH (n:Device) WHERE n.device_id IN r.device RETURN n
}
RETURN r.ref AS ref,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id
