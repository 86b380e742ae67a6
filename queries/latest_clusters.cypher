// The latest completed detection run's clusters, most suspicious first: a suspicion,
// never a determination. Open one with the `cluster` query.
// Parameters: $limit.
MATCH (r:Run {kind: 'detect', status: 'completed'})
WITH r ORDER BY r.finished_at DESC LIMIT 1
MATCH (c:Cluster)-[f:FOUND_IN]->(r)
RETURN f.rank AS rank, c.cluster_id AS cluster_id, f.score AS score, c.persons AS persons, c.sims AS sims,
       c.accounts AS accounts, c.devices AS devices, c.reports AS reports, c.top_reasons AS top_reasons, r.run_id AS run_id
ORDER BY rank
LIMIT $limit
