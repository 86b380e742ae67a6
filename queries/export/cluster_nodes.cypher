// The members of some clusters, with role and score, for drawing and case files.
// Parameters: $cluster_ids.
MATCH (n)-[m:MEMBER_OF]->(c:Cluster)
WHERE c.cluster_id IN $cluster_ids
RETURN c.cluster_id AS cluster_id,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS kind,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS id, m.role AS role, m.score AS score,
       m.reasons AS reasons
