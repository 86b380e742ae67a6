// Create (Report)-[:REPORTS_PORT]->(Port) on its first load; rows that may exist already go through load_reports_port.
// start_id, end_id: element ids of the Report and Port the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Report) WHERE elementId(a) = start_id
MATCH (b:Port) WHERE elementId(b) = end_id
CREATE (a)-[r:REPORTS_PORT {load_id: $load_id}]->(b)
