// Record an investigator's decision on one entity — the only way anything becomes
// "confirmed". Refers to the entity's latest lead (run and score) so the decision
// says what it decided on. Usable as is from Neo4j Browser:
//   :param entity_type => 'sim'; :param entity_id => '13800138000';
//   :param status => 'dismissed'; :param by => '王警官'; :param note => 'family tablet, checked on site'
// Parameters: $entity_type (person | sim | account | device), $entity_id,
//             $status (confirmed | dismissed | under_review), $by, $note.
CALL () {
  MATCH (n:Person {person_id: $entity_id}) WHERE $entity_type = 'person' RETURN n
  UNION
  MATCH (n:Sim {msisdn: $entity_id}) WHERE $entity_type = 'sim' RETURN n
  UNION
  MATCH (n:Account {account_id: $entity_id}) WHERE $entity_type = 'account' RETURN n
  UNION
  MATCH (n:Device {device_id: $entity_id}) WHERE $entity_type = 'device' RETURN n
  UNION
  MATCH (n:Enterprise {enterprise_id: $entity_id}) WHERE $entity_type = 'enterprise' RETURN n
  UNION
  MATCH (n:Port {port_code: $entity_id}) WHERE $entity_type = 'port' RETURN n
  UNION
  MATCH (n:MiddleNumber {middle_number: $entity_id}) WHERE $entity_type = 'middle_number' RETURN n
}
WITH n WHERE $status IN ['under_review', 'confirmed', 'dismissed'] AND trim(coalesce($by, '')) <> ''
OPTIONAL MATCH (n)-[f:FLAGGED_IN]->(r:Run)
WITH n, f, r ORDER BY r.finished_at DESC
WITH n, collect({run_id: r.run_id, score: f.score})[0] AS lead
CREATE (d:Decision {decision_id: randomUUID(), status: $status, by: $by, note: $note, at: datetime(),
                    run_id: lead.run_id, score: lead.score,
                    reported: EXISTS { (:Report)-[:REPORTS_SIM|REPORTS_ACCOUNT]->(n) }})-[:ABOUT]->(n)
SET n.decision_status = $status, n.decision_by = $by, n.decision_at = d.at
FOREACH (_ IN CASE WHEN $status = 'confirmed' THEN [1] ELSE [] END | SET n:Confirmed)
FOREACH (_ IN CASE WHEN $status <> 'confirmed' THEN [1] ELSE [] END | REMOVE n:Confirmed)
RETURN d.decision_id AS decision_id, d.status AS status, d.by AS by, toString(d.at) AS at,
       d.run_id AS run_id, d.score AS score, d.reported AS reported
