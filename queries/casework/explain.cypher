// Everything duanka knows about why one entity was flagged, across runs: its scores
// over time (with engine, parameters and version), clusters, victim reports and
// investigators' decisions.
// Parameters: $entity_type (person | sim | account | device), $entity_id.
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
RETURN n {.*} AS entity, labels(n)[0] AS label,
  COLLECT { MATCH (n)-[f:FLAGGED_IN]->(r:Run)
            RETURN {run_id: r.run_id, finished_at: toString(r.finished_at), version: r.version, engine: r.engine,
                    resolution: r.resolution, seed: r.seed, min_score: r.min_score, rank: f.rank, score: f.score,
                    role: f.role, cluster_id: f.cluster_id, status: f.status, reasons: f.reasons}
            ORDER BY r.finished_at } AS flags,
  COLLECT { MATCH (n)-[m:MEMBER_OF]->(c:Cluster)
            RETURN {cluster_id: c.cluster_id, run_id: m.run_id, role: m.role, score: m.score, members: c.persons + c.sims + c.accounts + c.devices}
            ORDER BY m.run_id } AS clusters,
  COLLECT { MATCH (rep:Report)-[:REPORTS_SIM|REPORTS_ACCOUNT]->(n)
            RETURN {report_id: rep.report_id, reported_at: toString(rep.reported_at), fraud_type: rep.fraud_type,
                    amount_lost: rep.amount_lost}
            ORDER BY rep.reported_at } AS reports,
  COLLECT { MATCH (d:Decision)-[:ABOUT]->(n)
            RETURN {at: toString(d.at), status: d.status, by: d.by, note: d.note, run_id: d.run_id, score: d.score}
            ORDER BY d.at } AS decisions
