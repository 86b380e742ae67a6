// The latest completed detection run's leads, in lead order (rank 1 first: by score,
// each ring's members interleaved so every ring shows early). `status` is 'suspected'
// unless an investigator recorded a decision: 'confirmed' comes only from a person.
// Parameters: $limit.
MATCH (r:Run {kind: 'detect', status: 'completed'})
WITH r ORDER BY r.finished_at DESC LIMIT 1
MATCH (n)-[f:FLAGGED_IN]->(r)
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id,
       f.rank AS rank, f.role AS role, f.score AS score, f.cluster_id AS cluster_id, f.reasons AS reasons,
       f.reasons_zh AS reasons_zh, coalesce(f.status, 'suspected') AS status, r.run_id AS run_id
ORDER BY rank
LIMIT $limit
