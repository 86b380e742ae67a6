// Upsert (Sim)-[:ACTIVATED_AT]->(Outlet); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS activated_at
MATCH (a:Sim {msisdn: start_key})
MATCH (b:Outlet {outlet_id: end_key})
MERGE (a)-[r:ACTIVATED_AT]->(b)
ON CREATE SET r.load_id = $load_id,
    r.activated_at = activated_at
ON MATCH SET r.load_id = $load_id,
    r.activated_at = coalesce(activated_at, r.activated_at)
