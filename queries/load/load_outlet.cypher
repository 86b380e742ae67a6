// Upsert Outlet nodes from source records; absent values keep what the graph had.
UNWIND $rows AS row
MERGE (n:Outlet {outlet_id: row.key})
SET n.load_id = $load_id,
    n.outlet_kind = coalesce(row.props.outlet_kind, n.outlet_kind),
    n.name = coalesce(row.props.name, n.name),
    n.region_code = coalesce(row.props.region_code, n.region_code)
