// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file.
// The leads of one detection run, each with the evidence it had then. One FLAGGED_IN per entity and run,
// so `explain` can show an entity's scores over time. Each lead also gets the label Suspect and one for
// its suspected role (SuspectedNumberDealer, …) for Neo4j Browser's colours: a suspicion, never a
// determination.
// Parameters: $run_id, $rows (type, id, rank, score, rule_score, role, cluster_id, reasons, reasons_zh,
//             status, priority, kinds, label), $role_labels (every role label, to move them).
MATCH (r:Run {run_id: $run_id})
UNWIND $rows AS row
CALL (row) {
  MATCH (n:Person {person_id: row.id}) WHERE row.type = 'person' RETURN n
  UNION
  MATCH (n:Sim {msisdn: row.id}) WHERE row.type = 'sim' RETURN n
  UNION
  MATCH (n:Account {account_id: row.id}) WHERE row.type = 'account' RETURN n
  UNION
  MATCH (n:Device {device_id: row.id}) WHERE row.type = 'device' RETURN n
  UNION
  MATCH (n:Enterprise {enterprise_id: row.id}) WHERE row.type = 'enterprise' RETURN n
  UNION
  MATCH (n:Port {port_code: row.id}) WHERE row.type = 'port' RETURN n
  UNION
  MATCH (n:MiddleNumber {middle_number: row.id}) WHERE row.type = 'middle_number' RETURN n
}
MERGE (n)-[f:FLAGGED_IN]->(r)
SET f.rank = row.rank, f.score = row.score, f.rule_score = row.rule_score, f.role = row.role,
    f.cluster_id = row.cluster_id, f.reasons = row.reasons, f.reasons_zh = row.reasons_zh,
    f.status = row.status, f.priority = row.priority, f.kinds = row.kinds
REMOVE n:$($role_labels)
SET n:Suspect:$(row.label)
