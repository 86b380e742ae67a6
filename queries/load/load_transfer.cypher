// Upsert (Account)-[:TRANSFER]->(Account); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the Account and Account the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, row[2] AS transfer_id, row[3] AS amount, datetime(row[4]) AS ts
MATCH (a:Account) WHERE elementId(a) = start_id
MATCH (b:Account) WHERE elementId(b) = end_id
MERGE (a)-[r:TRANSFER {transfer_id: transfer_id}]->(b)
ON CREATE SET r.load_id = $load_id,
    r.amount = amount,
    r.ts = ts
ON MATCH SET r.load_id = $load_id,
    r.amount = coalesce(amount, r.amount),
    r.ts = coalesce(ts, r.ts)
