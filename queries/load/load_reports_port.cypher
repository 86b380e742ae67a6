// Upsert (Report)-[:REPORTS_PORT]->(Port); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the Report and Port the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Report) WHERE elementId(a) = start_id
MATCH (b:Port) WHERE elementId(b) = end_id
MERGE (a)-[r:REPORTS_PORT]->(b)
ON CREATE SET r.load_id = $load_id
ON MATCH SET r.load_id = $load_id
