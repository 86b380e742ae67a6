// The detection run an export is made from: the given one, or the latest completed.
// What it kept for the next incremental run names accounts and numbers: it stays out of a manifest.
// Parameters: $run_id (null for the latest).
MATCH (r:Run {kind: 'detect', status: 'completed'})
WHERE $run_id IS NULL OR r.run_id = $run_id
RETURN r {.*, money_suspects_json: null, co_callers_json: null} AS run
ORDER BY r.finished_at DESC
LIMIT 1
