// Create (MiddleNumber)-[:HELD_BY]->(Enterprise) on its first load; rows that may exist already go through load_held_by.
// start_id, end_id: element ids of the MiddleNumber and Enterprise the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_bound
MATCH (a:MiddleNumber) WHERE elementId(a) = start_id
MATCH (b:Enterprise) WHERE elementId(b) = end_id
CREATE (a)-[r:HELD_BY {load_id: $load_id, first_bound: first_bound}]->(b)
