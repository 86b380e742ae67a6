// Upsert (Account)-[:USED_FROM]->(Device); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Account {account_id: row.start})
MATCH (b:Device {device_id: row.end})
MERGE (a)-[r:USED_FROM]->(b)
SET r.load_id = $load_id,
    r.first_seen = CASE WHEN r.first_seen IS NULL OR datetime(row.range.first_seen) < r.first_seen THEN coalesce(datetime(row.range.first_seen), r.first_seen) ELSE r.first_seen END,
    r.last_seen = CASE WHEN r.last_seen IS NULL OR datetime(row.range.last_seen) > r.last_seen THEN coalesce(datetime(row.range.last_seen), r.last_seen) ELSE r.last_seen END
