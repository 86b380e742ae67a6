// Upsert Person nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS person_id, row[1] AS id_number, row[2] AS name, date(row[3]) AS birth_date, row[4] AS region_code
MERGE (n:Person {person_id: person_id})
ON CREATE SET n.load_id = $load_id,
    n.id_number = id_number,
    n.name = name,
    n.birth_date = birth_date,
    n.region_code = region_code
ON MATCH SET n.load_id = $load_id,
    n.id_number = coalesce(id_number, n.id_number),
    n.name = coalesce(name, n.name),
    n.birth_date = coalesce(birth_date, n.birth_date),
    n.region_code = coalesce(region_code, n.region_code)
RETURN collect([person_id, elementId(n)]) AS ids
