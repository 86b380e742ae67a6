// Upsert (Account)-[:OPENED_AT]->(Outlet); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS opened_at
MATCH (a:Account {account_id: start_key})
MATCH (b:Outlet {outlet_id: end_key})
MERGE (a)-[r:OPENED_AT]->(b)
ON CREATE SET r.load_id = $load_id,
    r.opened_at = opened_at
ON MATCH SET r.load_id = $load_id,
    r.opened_at = coalesce(opened_at, r.opened_at)
