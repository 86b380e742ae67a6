// Upsert (Sim)-[:SEEN_IN]->(Device); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS first_seen, datetime(row[3]) AS last_seen, row[4] AS days_seen
MATCH (a:Sim {msisdn: start_key})
MATCH (b:Device {device_id: end_key})
MERGE (a)-[r:SEEN_IN]->(b)
ON CREATE SET r.load_id = $load_id,
    r.first_seen = first_seen,
    r.last_seen = last_seen,
    r.days_seen = days_seen
ON MATCH SET r.load_id = $load_id,
    r.first_seen = CASE WHEN r.first_seen < first_seen THEN r.first_seen ELSE coalesce(first_seen, r.first_seen) END,
    r.last_seen = CASE WHEN r.last_seen > last_seen THEN r.last_seen ELSE coalesce(last_seen, r.last_seen) END,
    r.days_seen = CASE WHEN r.days_seen > days_seen THEN r.days_seen ELSE coalesce(days_seen, r.days_seen) END
