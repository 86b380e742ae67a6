// Record many investigators' decisions at once, from an outcomes file (`duanka decide --file`): each
// one as casework/decide.cypher records a single decision — a Decision about the entity, referring to
// its latest lead (run and score) and whether a victim report named it — with the time the team
// decided, the file's run and line. A decision already on record (same outcome_key: entity, outcome
// and decided time) is not written again, so a file sent twice records nothing the second time.
// Run casework/decided_status.cypher on the same entities afterwards.
// Parameters: $batch (the run id of the file's recording), $rows, a list of
//   {line, entity_type, entity_id, status, by, note, at (ISO 8601 or null: now), key}.
UNWIND $rows AS row
CALL (row) {
  MATCH (n:Person {person_id: row.entity_id}) WHERE row.entity_type = 'person' RETURN n
  UNION
  MATCH (n:Sim {msisdn: row.entity_id}) WHERE row.entity_type = 'sim' RETURN n
  UNION
  MATCH (n:Account {account_id: row.entity_id}) WHERE row.entity_type = 'account' RETURN n
  UNION
  MATCH (n:Device {device_id: row.entity_id}) WHERE row.entity_type = 'device' RETURN n
  UNION
  MATCH (n:Enterprise {enterprise_id: row.entity_id}) WHERE row.entity_type = 'enterprise' RETURN n
  UNION
  MATCH (n:Port {port_code: row.entity_id}) WHERE row.entity_type = 'port' RETURN n
  UNION
  MATCH (n:MiddleNumber {middle_number: row.entity_id}) WHERE row.entity_type = 'middle_number' RETURN n
}
WITH row, n
WHERE row.status IN ['under_review', 'confirmed', 'dismissed'] AND trim(coalesce(row.by, '')) <> ''
  AND NOT EXISTS { MATCH (:Decision {outcome_key: row.key}) }
OPTIONAL MATCH (n)-[f:FLAGGED_IN]->(r:Run)
WITH row, n, f, r ORDER BY r.finished_at DESC
WITH row, n, collect({run_id: r.run_id, score: f.score})[0] AS lead
CREATE (d:Decision {decision_id: randomUUID(), status: row.status, by: row.by, note: row.note,
                    at: coalesce(datetime(row.at), datetime()), recorded_at: datetime(),
                    batch: $batch, line: row.line, outcome_key: row.key,
                    run_id: lead.run_id, score: lead.score,
                    reported: EXISTS { (:Report)-[:REPORTS_SIM|REPORTS_ACCOUNT]->(n) }})-[:ABOUT]->(n)
RETURN row.line AS line, d.decision_id AS decision_id, d.status AS status
