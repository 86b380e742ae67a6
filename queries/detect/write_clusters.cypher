// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file.
// Upsert the clusters a detection run found. A cluster that keeps most of the members of one the run
// before found keeps its id (duanka/detect/lineage.py); a new one's id is a digest of its members and
// the parameters keyed with the installation's secret (duanka/detect/writeback.py: keyed_cluster_ids).
// FOUND_IN keeps, per run, the rank, score and size the cluster had then.
// Parameters: $run_id, $rows (cluster_id, score, rank, persons, sims, accounts, devices, reports,
//             top_reasons, members).
MATCH (r:Run {run_id: $run_id})
UNWIND $rows AS row
MERGE (c:Cluster {cluster_id: row.cluster_id})
SET c.run_id = $run_id, c.score = row.score, c.rank = row.rank, c.persons = row.persons, c.sims = row.sims,
    c.accounts = row.accounts, c.devices = row.devices, c.reports = row.reports,
    c.top_reasons = row.top_reasons, c.status = 'suspected'
MERGE (c)-[f:FOUND_IN]->(r)
SET f.rank = row.rank, f.score = row.score, f.members = row.members
