// The loads the graph holds: every ingest run recorded in it, completed or not (a failed one's rows stay),
// oldest first. Detection reads the analysis store only when the store holds each of them whole.
// Parameters: none.
MATCH (r:Run {kind: 'ingest'})
RETURN r.run_id AS load_id
ORDER BY load_id
