// Create (Account)-[:TRANSFER]->(Account) on its first load; rows that may exist already go through load_transfer.
// start_id, end_id: element ids of the Account and Account the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, row[2] AS transfer_id, row[3] AS amount, datetime(row[4]) AS ts
MATCH (a:Account) WHERE elementId(a) = start_id
MATCH (b:Account) WHERE elementId(b) = end_id
CREATE (a)-[r:TRANSFER {load_id: $load_id, transfer_id: transfer_id, amount: amount, ts: ts}]->(b)
