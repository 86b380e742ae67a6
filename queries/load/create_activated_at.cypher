// Create (Sim)-[:ACTIVATED_AT]->(Outlet) on its first load; rows that may exist already go through load_activated_at.
// start_id, end_id: element ids of the Sim and Outlet the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS activated_at
MATCH (a:Sim) WHERE elementId(a) = start_id
MATCH (b:Outlet) WHERE elementId(b) = end_id
CREATE (a)-[r:ACTIVATED_AT {load_id: $load_id, activated_at: activated_at}]->(b)
