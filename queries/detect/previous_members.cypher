// The clusters of the latest completed detection run and their members in that run. The next run's
// clusters take over their ids when they keep most of the members (duanka/detect/lineage.py).
// Parameters: none. One row per (cluster, member); none before the first run.
MATCH (r:Run {kind: 'detect', status: 'completed'})
WITH r ORDER BY r.finished_at DESC LIMIT 1
MATCH (c:Cluster)-[:FOUND_IN]->(r)
MATCH (n)-[m:MEMBER_OF]->(c) WHERE m.run_id = r.run_id
RETURN c.cluster_id AS cluster_id,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id
