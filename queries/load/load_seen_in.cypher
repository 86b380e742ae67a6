// Upsert (Sim)-[:SEEN_IN]->(Device); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Sim {msisdn: row.start})
MATCH (b:Device {device_id: row.end})
MERGE (a)-[r:SEEN_IN]->(b)
SET r.load_id = $load_id,
    r.first_seen = CASE WHEN r.first_seen IS NULL OR datetime(row.range.first_seen) < r.first_seen THEN coalesce(datetime(row.range.first_seen), r.first_seen) ELSE r.first_seen END,
    r.last_seen = CASE WHEN r.last_seen IS NULL OR datetime(row.range.last_seen) > r.last_seen THEN coalesce(datetime(row.range.last_seen), r.last_seen) ELSE r.last_seen END,
    r.days_seen = CASE WHEN r.days_seen IS NULL OR row.range.days_seen > r.days_seen THEN coalesce(row.range.days_seen, r.days_seen) ELSE r.days_seen END
