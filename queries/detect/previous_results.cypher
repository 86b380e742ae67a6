// What a completed detection run wrote of each entity: its lead (FLAGGED_IN), its place below the lead line
// (RANKED_IN) or, for a cluster member with neither, its membership. An incremental run keeps these for every entity it does not re-score.
// Parameters: $run_id. One row per entity written.
MATCH (r:Run {run_id: $run_id})
CALL (r) {
  MATCH (n)-[f:FLAGGED_IN]->(r)
  RETURN n, true AS lead, f.priority AS priority, f.kinds AS kinds, f.score AS score, f.rule_score AS rule_score,
         f.role AS role, f.cluster_id AS cluster_id, f.reasons AS reasons_en, f.reasons_zh AS reasons_zh,
         f.status AS status, false AS ranked
  UNION ALL
  MATCH (n)-[f:RANKED_IN]->(r)
  RETURN n, false AS lead, f.priority AS priority, f.kinds AS kinds, f.score AS score, f.rule_score AS rule_score,
         f.role AS role, f.cluster_id AS cluster_id, f.reasons AS reasons_en, f.reasons_zh AS reasons_zh,
         f.status AS status, true AS ranked
  UNION ALL
  MATCH (c:Cluster)-[:FOUND_IN]->(r)
  MATCH (n)-[m:MEMBER_OF]->(c)
  WHERE m.run_id = r.run_id AND NOT EXISTS { (n)-[:FLAGGED_IN]->(r) } AND NOT EXISTS { (n)-[:RANKED_IN]->(r) }
  RETURN n, false AS lead, m.priority AS priority, m.kinds AS kinds, m.score AS score, m.rule_score AS rule_score,
         m.role AS role, c.cluster_id AS cluster_id, m.reasons AS reasons_en, m.reasons_zh AS reasons_zh,
         m.status AS status, false AS ranked
}
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id,
       lead, ranked, priority, kinds, score, rule_score, role, cluster_id, reasons_en, reasons_zh, status
