// Upsert (Sim)-[:ACTIVATED_AT]->(Outlet); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Sim {msisdn: row.start})
MATCH (b:Outlet {outlet_id: row.end})
MERGE (a)-[r:ACTIVATED_AT]->(b)
SET r.load_id = $load_id,
    r.activated_at = coalesce(datetime(row.t.activated_at), r.activated_at)
