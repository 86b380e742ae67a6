// Every transfer that touches an account on record: who paid whom, how much, when.
// Parameters: $accounts (read the transfers touching these accounts; null: every transfer).
CALL () {  // every transfer, or those of the listed accounts, sought by key (an incremental run's region: no scan)
  MATCH (x:Account)-[t:TRANSFER]->(y:Account) WHERE $accounts IS NULL AND (x.on_record OR y.on_record)
  RETURN x.account_id AS src, y.account_id AS dst, t.amount AS amount, t.ts.epochSeconds AS ts
  UNION ALL
  UNWIND $accounts AS id
  MATCH (:Account {account_id: id})-[t:TRANSFER]-()
  WITH DISTINCT t
  MATCH (x:Account)-[t]->(y:Account) WHERE x.on_record OR y.on_record
  RETURN x.account_id AS src, y.account_id AS dst, t.amount AS amount, t.ts.epochSeconds AS ts
}
RETURN src, dst, amount, ts
