// The ingest runs that built the graph, newest first, with their files' checksums and counts.
// Parameters: none.
MATCH (r:Run {kind: 'ingest'})
RETURN r.run_id AS run_id, r.source AS source, r.status AS status, r.started_at AS started_at,
       r.finished_at AS finished_at, r.files_json AS files_json, r.tokens_json AS tokens_json
ORDER BY r.finished_at DESC
