// Victim reports naming members of some clusters.
// Parameters: $cluster_ids.
MATCH (rep:Report)-[:REPORTS_SIM|REPORTS_ACCOUNT]->(n)-[:MEMBER_OF]->(c:Cluster)
WHERE c.cluster_id IN $cluster_ids
RETURN c.cluster_id AS cluster_id, rep.report_id AS report_id, toString(rep.reported_at) AS reported_at,
       rep.fraud_type AS fraud_type, rep.amount_lost AS amount_lost, rep.region_code AS region_code,
       CASE WHEN n:Sim THEN 'sim' ELSE 'account' END AS names_kind, coalesce(n.msisdn, n.account_id) AS names
ORDER BY reported_at
