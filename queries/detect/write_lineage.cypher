// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file.
// Lineage between a run's clusters and the run before's: a cluster that the majority of another merged
// into, or that a minority of another split off to (duanka/detect/lineage.py).
// Parameters: $run_id, $rows (cluster_id, parent_id, kind, shared).
UNWIND $rows AS row
MATCH (c:Cluster {cluster_id: row.cluster_id})
MATCH (p:Cluster {cluster_id: row.parent_id})
MERGE (c)-[d:DERIVED_FROM {run_id: $run_id}]->(p)
SET d.kind = row.kind, d.shared = row.shared
