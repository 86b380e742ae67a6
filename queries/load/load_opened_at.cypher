// Upsert (Account)-[:OPENED_AT]->(Outlet); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the Account and Outlet the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS opened_at
MATCH (a:Account) WHERE elementId(a) = start_id
MATCH (b:Outlet) WHERE elementId(b) = end_id
MERGE (a)-[r:OPENED_AT]->(b)
ON CREATE SET r.load_id = $load_id,
    r.opened_at = opened_at
ON MATCH SET r.load_id = $load_id,
    r.opened_at = coalesce(opened_at, r.opened_at)
