// Upsert Port nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS port_code, datetime(row[1]) AS opened_at, row[2] AS status
MERGE (n:Port {port_code: port_code})
ON CREATE SET n.load_id = $load_id,
    n.opened_at = opened_at,
    n.status = status
ON MATCH SET n.load_id = $load_id,
    n.opened_at = coalesce(opened_at, n.opened_at),
    n.status = coalesce(status, n.status)
RETURN collect([port_code, elementId(n)]) AS ids
