// The clusters of one detection run, in rank order.
// Parameters: $run_id.
MATCH (c:Cluster)-[f:FOUND_IN]->(:Run {run_id: $run_id})
RETURN f.rank AS rank, c.cluster_id AS cluster_id, f.score AS score, c.persons AS persons, c.sims AS sims,
       c.accounts AS accounts, c.devices AS devices, c.reports AS reports, c.top_reasons AS top_reasons
ORDER BY rank
