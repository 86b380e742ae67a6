// A completed ingest run of exactly this extract (same files, same bytes), if any:
// the pipeline skips re-loading an unchanged extract unless asked to.
// Parameters: $digest (sha256 over the extract's file names and checksums).
MATCH (r:Run {kind: 'ingest', status: 'completed'})
WHERE r.source_sha256 = $digest
RETURN r.run_id AS run_id
ORDER BY r.finished_at DESC
LIMIT 1
