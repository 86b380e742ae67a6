// Upsert (Port)-[:SENT_TO]->(Sim); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the Port and Sim the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, row[2] AS kind, row[3] AS count, row[4] AS total_duration_s, datetime(row[5]) AS first_ts, datetime(row[6]) AS last_ts
MATCH (a:Port) WHERE elementId(a) = start_id
MATCH (b:Sim) WHERE elementId(b) = end_id
MERGE (a)-[r:SENT_TO {kind: kind}]->(b)
ON CREATE SET r.load_id = $load_id,
    r.count = count,
    r.total_duration_s = total_duration_s,
    r.first_ts = first_ts,
    r.last_ts = last_ts
ON MATCH SET r.load_id = $load_id,
    r.count = coalesce(count, r.count),
    r.total_duration_s = coalesce(total_duration_s, r.total_duration_s),
    r.first_ts = CASE WHEN r.first_ts < first_ts THEN r.first_ts ELSE coalesce(first_ts, r.first_ts) END,
    r.last_ts = CASE WHEN r.last_ts > last_ts THEN r.last_ts ELSE coalesce(last_ts, r.last_ts) END
