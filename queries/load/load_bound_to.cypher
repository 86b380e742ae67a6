// Upsert (Account)-[:BOUND_TO]->(Sim); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Account {account_id: row.start})
MATCH (b:Sim {msisdn: row.end})
MERGE (a)-[r:BOUND_TO]->(b)
SET r.load_id = $load_id
