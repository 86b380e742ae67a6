// Upsert (Account)-[:TRANSFER]->(Account); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Account {account_id: row.start})
MATCH (b:Account {account_id: row.end})
MERGE (a)-[r:TRANSFER {transfer_id: row.props.transfer_id}]->(b)
SET r.load_id = $load_id,
    r.amount = coalesce(row.props.amount, r.amount),
    r.ts = coalesce(datetime(row.t.ts), r.ts)
