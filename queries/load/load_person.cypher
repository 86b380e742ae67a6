// Upsert Person nodes from source records; absent values keep what the graph had.
UNWIND $rows AS row
MERGE (n:Person {person_id: row.key})
SET n.load_id = $load_id,
    n.id_number = coalesce(row.props.id_number, n.id_number),
    n.name = coalesce(row.props.name, n.name),
    n.birth_date = coalesce(date(row.t.birth_date), n.birth_date),
    n.region_code = coalesce(row.props.region_code, n.region_code)
