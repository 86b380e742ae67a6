// Record one pipeline step (ingest, detect, export): parameters, version, timings, figures.
MERGE (r:Run {run_id: $run.run_id})
SET r += $run
