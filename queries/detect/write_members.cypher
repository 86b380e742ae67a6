// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file.
// Membership of each entity in its cluster, with the role and score this run gave it. The entity itself
// carries the latest run's suspicion (never a determination).
// Parameters: $run_id, $rows (type, id, cluster_id, role, score, rule_score, rank, reasons, reasons_zh,
//             status, priority, kinds).
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
MATCH (c:Cluster {cluster_id: row.cluster_id})
MERGE (n)-[m:MEMBER_OF]->(c)
SET m.run_id = $run_id, m.role = row.role, m.score = row.score, m.rule_score = row.rule_score,
    m.rank = row.rank, m.reasons = row.reasons, m.reasons_zh = row.reasons_zh, m.status = row.status,
    m.priority = row.priority, m.kinds = row.kinds, n.suspicion_score = row.score,
    n.suspected_role = row.role, n.suspicion_run = $run_id, n.suspicion_reasons = row.reasons
