// Upsert (Account)-[:OPENED_AT]->(Outlet); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Account {account_id: row.start})
MATCH (b:Outlet {outlet_id: row.end})
MERGE (a)-[r:OPENED_AT]->(b)
SET r.load_id = $load_id,
    r.opened_at = coalesce(datetime(row.t.opened_at), r.opened_at)
