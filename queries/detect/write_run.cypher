// Record one detection run: its parameters, version, timings and figures.
// Parameters: $run (map with run_id and the run's properties).
MERGE (r:Run {run_id: $run.run_id})
SET r += $run
