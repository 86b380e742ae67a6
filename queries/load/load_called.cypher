// Upsert (Sim)-[:CALLED]->(Sim); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Sim {msisdn: row.start})
MATCH (b:Sim {msisdn: row.end})
MERGE (a)-[r:CALLED {kind: row.props.kind}]->(b)
SET r.load_id = $load_id,
    r.count = coalesce(row.props.count, r.count),
    r.total_duration_s = coalesce(row.props.total_duration_s, r.total_duration_s),
    r.first_ts = CASE WHEN r.first_ts IS NULL OR datetime(row.range.first_ts) < r.first_ts THEN coalesce(datetime(row.range.first_ts), r.first_ts) ELSE r.first_ts END,
    r.last_ts = CASE WHEN r.last_ts IS NULL OR datetime(row.range.last_ts) > r.last_ts THEN coalesce(datetime(row.range.last_ts), r.last_ts) ELSE r.last_ts END
