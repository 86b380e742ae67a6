// The decision history of a cluster's members, oldest first.
// Parameters: $cluster_id.
MATCH (d:Decision)-[:ABOUT]->(n)-[:MEMBER_OF]->(:Cluster {cluster_id: $cluster_id})
RETURN toString(d.at) AS at,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id) AS entity_id,
       d.status AS status, d.by AS by, d.note AS note, d.run_id AS run_id, d.score AS score
ORDER BY at
