// Each entity's standing decision, after decisions were recorded in a batch: the latest by the time it
// was decided sets decision_status, decision_by, decision_at and the Confirmed label, as
// casework/decide.cypher does for one.
// Parameters: $entities, a list of {entity_type, entity_id}.
UNWIND $entities AS e
CALL (e) {
  MATCH (n:Person {person_id: e.entity_id}) WHERE e.entity_type = 'person' RETURN n
  UNION
  MATCH (n:Sim {msisdn: e.entity_id}) WHERE e.entity_type = 'sim' RETURN n
  UNION
  MATCH (n:Account {account_id: e.entity_id}) WHERE e.entity_type = 'account' RETURN n
  UNION
  MATCH (n:Device {device_id: e.entity_id}) WHERE e.entity_type = 'device' RETURN n
  UNION
  MATCH (n:Enterprise {enterprise_id: e.entity_id}) WHERE e.entity_type = 'enterprise' RETURN n
  UNION
  MATCH (n:Port {port_code: e.entity_id}) WHERE e.entity_type = 'port' RETURN n
  UNION
  MATCH (n:MiddleNumber {middle_number: e.entity_id}) WHERE e.entity_type = 'middle_number' RETURN n
}
MATCH (d:Decision)-[:ABOUT]->(n)
WITH n, d ORDER BY d.at DESC
WITH n, collect(d)[0] AS d
SET n.decision_status = d.status, n.decision_by = d.by, n.decision_at = d.at
FOREACH (_ IN CASE WHEN d.status = 'confirmed' THEN [1] ELSE [] END | SET n:Confirmed)
FOREACH (_ IN CASE WHEN d.status <> 'confirmed' THEN [1] ELSE [] END | REMOVE n:Confirmed)
RETURN count(n) AS entities
