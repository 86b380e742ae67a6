// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file.
// The entities with evidence below the lead line of one detection run: ranked and scored, never leads, so
// an export's budget can list the best of them after the leads (tier 'ranked'), and a run with few or no
// leads still hands case teams a ranking. No Suspect label: only a lead is a suspect.
// Parameters: $run_id, $rows (type, id, rank, score, rule_score, role, cluster_id, reasons, reasons_zh,
//             status, priority, kinds).
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
MERGE (n)-[f:RANKED_IN]->(r)
SET f.rank = row.rank, f.score = row.score, f.rule_score = row.rule_score, f.role = row.role,
    f.cluster_id = row.cluster_id, f.reasons = row.reasons, f.reasons_zh = row.reasons_zh,
    f.status = row.status, f.priority = row.priority, f.kinds = row.kinds
