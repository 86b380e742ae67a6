// Every transfer that touches an account on record: who paid whom, how much, when.
// Parameters: none.
MATCH (x:Account)-[t:TRANSFER]->(y:Account)
WHERE x.on_record OR y.on_record
RETURN x.account_id AS src, y.account_id AS dst, t.amount AS amount, t.ts.epochSeconds AS ts
