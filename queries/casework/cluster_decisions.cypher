// The decision history of a cluster's members, oldest first.
// Parameters: $cluster_id.
MATCH (d:Decision)-[:ABOUT]->(n)-[:MEMBER_OF]->(:Cluster {cluster_id: $cluster_id})
RETURN toString(d.at) AS at,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id,
       d.status AS status, d.by AS by, d.note AS note, d.run_id AS run_id, d.score AS score
ORDER BY at
