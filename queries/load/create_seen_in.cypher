// Create (Sim)-[:SEEN_IN]->(Device) on its first load; rows that may exist already go through load_seen_in.
// start_id, end_id: element ids of the Sim and Device the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_seen, datetime(row[3]) AS last_seen, row[4] AS days_seen
MATCH (a:Sim) WHERE elementId(a) = start_id
MATCH (b:Device) WHERE elementId(b) = end_id
CREATE (a)-[r:SEEN_IN {load_id: $load_id, first_seen: first_seen, last_seen: last_seen, days_seen: days_seen}]->(b)
