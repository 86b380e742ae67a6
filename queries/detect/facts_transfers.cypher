// Every transfer that touches an account on record: who paid whom, how much, when.
// Parameters: $accounts (read the transfers touching these accounts; null: every transfer).
MATCH (x:Account)-[t:TRANSFER]->(y:Account)
WHERE (x.on_record OR y.on_record)
  AND ($accounts IS NULL OR x.account_id IN $accounts OR y.account_id IN $accounts)
RETURN x.account_id AS src, y.account_id AS dst, t.amount AS amount, t.ts.epochSeconds AS ts
