// Create (Account)-[:TRANSFER]->(Account) on its first load; rows that may exist already go through load_transfer.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, row[2] AS transfer_id, row[3] AS amount, datetime(row[4]) AS ts
MATCH (a:Account {account_id: start_key})
MATCH (b:Account {account_id: end_key})
CREATE (a)-[r:TRANSFER {load_id: $load_id, transfer_id: transfer_id, amount: amount, ts: ts}]->(b)
