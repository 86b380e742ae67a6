// Upsert (Account)-[:TRANSFER]->(Account); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, row[2] AS transfer_id, row[3] AS amount, datetime(row[4]) AS ts
MATCH (a:Account {account_id: start_key})
MATCH (b:Account {account_id: end_key})
MERGE (a)-[r:TRANSFER {transfer_id: transfer_id}]->(b)
ON CREATE SET r.load_id = $load_id,
    r.amount = amount,
    r.ts = ts
ON MATCH SET r.load_id = $load_id,
    r.amount = coalesce(amount, r.amount),
    r.ts = coalesce(ts, r.ts)
