// The community graph's relationships at the given entities: one step of walking an incremental run's
// region out to whole components without reading the whole graph (duanka/detect/increment.py: walk).
// The same relationships, ends and columns as project_edges.cypher, and each relationship's element id
// (a relationship is met from both its ends).
// Parameters: $established_s (project_edges.cypher: an established reseller's resales are left out), $entities (list of {type, id}: person, sim, account, device, enterprise, port or middle_number).
UNWIND $entities AS e
CALL (e) {
  MATCH (n:Person {person_id: e.id}) WHERE e.type = 'person' RETURN n
  UNION
  MATCH (n:Sim {msisdn: e.id}) WHERE e.type = 'sim' RETURN n
  UNION
  MATCH (n:Account {account_id: e.id}) WHERE e.type = 'account' RETURN n
  UNION
  MATCH (n:Device {device_id: e.id}) WHERE e.type = 'device' RETURN n
  UNION
  MATCH (n:Enterprise {enterprise_id: e.id}) WHERE e.type = 'enterprise' RETURN n
  UNION
  MATCH (n:Port {port_code: e.id}) WHERE e.type = 'port' RETURN n
  UNION
  MATCH (n:MiddleNumber {middle_number: e.id}) WHERE e.type = 'middle_number' RETURN n
}
MATCH (n)-[r:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO|LEGAL_PERSON_OF|LEASED_BY|RESOLD_BY|BINDS|HELD_BY]-()
WITH DISTINCT r
WITH startNode(r) AS a, endNode(r) AS b, r
WHERE NOT (type(r) = 'RESOLD_BY'
           AND coalesce(a.opened_at.epochSeconds - b.registered_at.epochSeconds >= $established_s, false))
RETURN elementId(r) AS rid,
       coalesce(a.person_id, a.msisdn, a.account_id, a.device_id, a.enterprise_id, a.port_code, a.middle_number) AS a,
       CASE WHEN a:Person THEN 'person' WHEN a:Sim THEN 'sim' WHEN a:Account THEN 'account' WHEN a:Device THEN 'device' WHEN a:Enterprise THEN 'enterprise' WHEN a:Port THEN 'port' WHEN a:MiddleNumber THEN 'middle_number' END AS a_type,
       coalesce(b.msisdn, b.account_id, b.device_id, b.enterprise_id) AS b,
       CASE WHEN b:Sim THEN 'sim' WHEN b:Account THEN 'account' WHEN b:Enterprise THEN 'enterprise' ELSE 'device' END AS b_type,
       type(r) AS rel
