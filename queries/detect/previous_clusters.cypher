// The clusters a completed detection run found, as it wrote them: what an incremental run keeps of
// every cluster outside the components it re-scores.
// Parameters: $run_id. One row per cluster.
MATCH (c:Cluster)-[f:FOUND_IN]->(:Run {run_id: $run_id})
RETURN c.cluster_id AS cluster_id, f.score AS score, f.members AS members, c.persons AS persons, c.sims AS sims,
       c.accounts AS accounts, c.devices AS devices, c.reports AS reports, c.top_reasons AS top_reasons
