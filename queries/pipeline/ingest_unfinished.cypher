// The newest ingest run of exactly this extract that began writing rows and never finished (killed, or the
// machine went down): loading the extract again resumes it under its id, so the graph and the analysis
// store hold one load of it, not a finished one beside a torn one.
// Parameters: $digest (sha256 over the extract's file names and checksums).
MATCH (r:Run {kind: 'ingest', status: 'writing'})
WHERE r.source_sha256 = $digest
RETURN r.run_id AS run_id
ORDER BY r.started_at DESC
LIMIT 1
