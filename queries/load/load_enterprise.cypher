// Upsert Enterprise nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS enterprise_id, row[1] AS credit_code, row[2] AS name, datetime(row[3]) AS registered_at, row[4] AS region_code
MERGE (n:Enterprise {enterprise_id: enterprise_id})
ON CREATE SET n.load_id = $load_id,
    n.credit_code = credit_code,
    n.name = name,
    n.registered_at = registered_at,
    n.region_code = region_code
ON MATCH SET n.load_id = $load_id,
    n.credit_code = coalesce(credit_code, n.credit_code),
    n.name = coalesce(name, n.name),
    n.registered_at = coalesce(registered_at, n.registered_at),
    n.region_code = coalesce(region_code, n.region_code)
RETURN collect([enterprise_id, elementId(n)]) AS ids
