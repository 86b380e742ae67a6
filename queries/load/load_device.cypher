// Upsert Device nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS device_id, row[1] AS device_kind, row[2] AS model
MERGE (n:Device {device_id: device_id})
ON CREATE SET n.load_id = $load_id,
    n.device_kind = device_kind,
    n.model = model
ON MATCH SET n.load_id = $load_id,
    n.device_kind = coalesce(device_kind, n.device_kind),
    n.model = coalesce(model, n.model)
RETURN collect([device_id, elementId(n)]) AS ids
