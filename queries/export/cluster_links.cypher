// The source relationships between members of the same cluster, with their dates.
// Parameters: $cluster_ids.
MATCH (a)-[:MEMBER_OF]->(c:Cluster)
WHERE c.cluster_id IN $cluster_ids
MATCH (a)-[r:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO|TRANSFER|LEGAL_PERSON_OF|LEASED_BY|RESOLD_BY|BINDS|HELD_BY]->(b)
WHERE (b)-[:MEMBER_OF]->(c)
RETURN c.cluster_id AS cluster_id,
       CASE WHEN a:Person THEN 'person' WHEN a:Sim THEN 'sim' WHEN a:Account THEN 'account' WHEN a:Device THEN 'device' WHEN a:Enterprise THEN 'enterprise' WHEN a:Port THEN 'port' WHEN a:MiddleNumber THEN 'middle_number' END AS a_kind,
       coalesce(a.person_id, a.msisdn, a.account_id, a.device_id, a.enterprise_id, a.port_code, a.middle_number) AS a, type(r) AS rel,
       CASE WHEN b:Person THEN 'person' WHEN b:Sim THEN 'sim' WHEN b:Account THEN 'account' WHEN b:Device THEN 'device' WHEN b:Enterprise THEN 'enterprise' WHEN b:Port THEN 'port' WHEN b:MiddleNumber THEN 'middle_number' END AS b_kind,
       coalesce(b.person_id, b.msisdn, b.account_id, b.device_id, b.enterprise_id, b.port_code, b.middle_number) AS b,
       toString(coalesce(r.first_seen, r.ts)) AS first, toString(r.last_seen) AS last, r.days_seen AS days_seen,
       r.amount AS amount
