// Upsert the clusters a detection run found; the id is a hash of the members and
// parameters, so the same data and parameters give the same id. FOUND_IN keeps,
// per run, the rank and score the cluster had then.
// Parameters: $run_id, $rows (cluster_id, score, rank, persons, sims, accounts, devices, reports, top_reasons).
MATCH (r:Run {run_id: $run_id})
UNWIND $rows AS row
MERGE (c:Cluster {cluster_id: row.cluster_id})
SET c.run_id = $run_id, c.score = row.score, c.rank = row.rank, c.persons = row.persons, c.sims = row.sims,
    c.accounts = row.accounts, c.devices = row.devices, c.reports = row.reports,
    c.top_reasons = row.top_reasons, c.status = 'suspected'
MERGE (c)-[f:FOUND_IN]->(r)
SET f.rank = row.rank, f.score = row.score
