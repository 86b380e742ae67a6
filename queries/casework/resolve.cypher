// Which entity an investigator means: an id of any type, or a lead reference
// "RUN_ID#RANK" as printed in exported lead lists (a lead, or an entity ranked below the lead line).
// Parameters: $ref.
CALL () {
  MATCH (n:Person {person_id: $ref}) RETURN n
  UNION
  MATCH (n:Sim {msisdn: $ref}) RETURN n
  UNION
  MATCH (n:Account {account_id: $ref}) RETURN n
  UNION
  MATCH (n:Device {device_id: $ref}) RETURN n
  UNION
  MATCH (n:Enterprise {enterprise_id: $ref}) RETURN n
  UNION
  MATCH (n:Port {port_code: $ref}) RETURN n
  UNION
  MATCH (n:MiddleNumber {middle_number: $ref}) RETURN n
  UNION
  MATCH (n)-[f:FLAGGED_IN|RANKED_IN]->(:Run {run_id: split($ref, '#')[0]})
  WHERE $ref CONTAINS '#' AND f.rank = toInteger(split($ref, '#')[1])
  RETURN n
}
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id
