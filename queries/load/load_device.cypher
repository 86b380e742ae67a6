// Upsert Device nodes from source records; absent values keep what the graph had.
UNWIND $rows AS row
MERGE (n:Device {device_id: row.key})
SET n.load_id = $load_id,
    n.device_kind = coalesce(row.props.device_kind, n.device_kind),
    n.model = coalesce(row.props.model, n.model)
