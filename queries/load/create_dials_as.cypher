// Create (MiddleNumber)-[:DIALS_AS]->(Sim) on its first load; rows that may exist already go through load_dials_as.
// start_id, end_id: element ids of the MiddleNumber and Sim the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_bound
MATCH (a:MiddleNumber) WHERE elementId(a) = start_id
MATCH (b:Sim) WHERE elementId(b) = end_id
CREATE (a)-[r:DIALS_AS {load_id: $load_id, first_bound: first_bound}]->(b)
