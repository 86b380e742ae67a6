// Create (Port)-[:LEASED_BY]->(Enterprise) on its first load; rows that may exist already go through load_leased_by.
// start_id, end_id: element ids of the Port and Enterprise the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Port) WHERE elementId(a) = start_id
MATCH (b:Enterprise) WHERE elementId(b) = end_id
CREATE (a)-[r:LEASED_BY {load_id: $load_id}]->(b)
