// The detection run an export is made from: the given one, or the latest completed.
// Parameters: $run_id (null for the latest).
MATCH (r:Run {kind: 'detect', status: 'completed'})
WHERE $run_id IS NULL OR r.run_id = $run_id
RETURN r {.*} AS run
ORDER BY r.finished_at DESC
LIMIT 1
