// Upsert Outlet nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS outlet_id, row[1] AS outlet_kind, row[2] AS name, row[3] AS region_code
MERGE (n:Outlet {outlet_id: outlet_id})
ON CREATE SET n.load_id = $load_id,
    n.outlet_kind = outlet_kind,
    n.name = name,
    n.region_code = region_code
ON MATCH SET n.load_id = $load_id,
    n.outlet_kind = coalesce(outlet_kind, n.outlet_kind),
    n.name = coalesce(name, n.name),
    n.region_code = coalesce(region_code, n.region_code)
RETURN collect([outlet_id, elementId(n)]) AS ids
