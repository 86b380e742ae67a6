// Upsert (Sim)-[:SEEN_IN]->(Device); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the Sim and Device the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_seen, datetime(row[3]) AS last_seen, row[4] AS days_seen
MATCH (a:Sim) WHERE elementId(a) = start_id
MATCH (b:Device) WHERE elementId(b) = end_id
MERGE (a)-[r:SEEN_IN]->(b)
ON CREATE SET r.load_id = $load_id,
    r.first_seen = first_seen,
    r.last_seen = last_seen,
    r.days_seen = days_seen
ON MATCH SET r.load_id = $load_id,
    r.first_seen = CASE WHEN r.first_seen < first_seen THEN r.first_seen ELSE coalesce(first_seen, r.first_seen) END,
    r.last_seen = CASE WHEN r.last_seen > last_seen THEN r.last_seen ELSE coalesce(last_seen, r.last_seen) END,
    r.days_seen = CASE WHEN r.days_seen > days_seen THEN r.days_seen ELSE coalesce(days_seen, r.days_seen) END
