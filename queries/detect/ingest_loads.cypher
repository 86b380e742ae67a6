// The loads the graph holds: every ingest run recorded in it, completed, failed or still writing (a failed
// one's rows stay; one still writing was cut off, its rows stay too), oldest first. Detection reads the
// analysis store only when the store holds each of them whole.
// Parameters: none.
MATCH (r:Run {kind: 'ingest'})
RETURN r.run_id AS load_id, r.status AS status
ORDER BY load_id
