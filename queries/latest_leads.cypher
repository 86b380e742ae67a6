// The latest completed detection run's suspected entities, in lead order (rank 1 first:
// by score, each ring's members interleaved so every ring shows early).
// A suspicion, never a determination. Parameters: $limit.
MATCH (r:Run {kind: 'detect', status: 'completed'})
WITH r ORDER BY r.finished_at DESC LIMIT 1
MATCH (n)-[m:MEMBER_OF {run_id: r.run_id}]->(c:Cluster)
WHERE m.score >= r.min_score
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' ELSE 'device' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id) AS entity_id,
       m.rank AS rank, m.role AS role, m.score AS score, c.cluster_id AS cluster_id, m.reasons AS reasons,
       m.reasons_zh AS reasons_zh, r.run_id AS run_id
ORDER BY rank
LIMIT $limit
