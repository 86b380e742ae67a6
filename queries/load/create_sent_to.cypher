// Create (Port)-[:SENT_TO]->(Sim) on its first load; rows that may exist already go through load_sent_to.
// start_id, end_id: element ids of the Port and Sim the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, row[2] AS kind, row[3] AS count, row[4] AS total_duration_s, datetime(row[5]) AS first_ts, datetime(row[6]) AS last_ts
MATCH (a:Port) WHERE elementId(a) = start_id
MATCH (b:Sim) WHERE elementId(b) = end_id
CREATE (a)-[r:SENT_TO {load_id: $load_id, kind: kind, count: count, total_duration_s: total_duration_s, first_ts: first_ts, last_ts: last_ts}]->(b)
