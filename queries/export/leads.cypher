// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file.
// Every lead of one detection run, in rank order, with the latest investigator decision.
// Parameters: $run_id.
MATCH (n)-[f:FLAGGED_IN]->(:Run {run_id: $run_id})
OPTIONAL MATCH (d:Decision)-[:ABOUT]->(n)
WITH n, f, d ORDER BY d.at DESC
WITH n, f, collect(d)[0] AS d
RETURN f.rank AS rank,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id,
       f.role AS role, f.cluster_id AS cluster_id, f.score AS score, f.reasons AS reasons, f.reasons_zh AS reasons_zh,
       coalesce(f.status, 'suspected') AS status, d.status AS decision, d.by AS decided_by, toString(d.at) AS decided_at
ORDER BY rank
