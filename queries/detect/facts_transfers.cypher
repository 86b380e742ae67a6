// Every transfer that touches an account on record: who paid whom, how much, when.
// Parameters: $accounts (read the transfers touching these accounts; null: every transfer),
//             $from_key, $to_key (with $accounts null, a page of them by payer: keys from the first, up to but not the second;
//             null: unbounded. A graph too big for whole results is read so, duanka/queries.py: paged_frame).
CALL () {  // every transfer, or those of the listed accounts, sought by key (a region: no scan)
  WITH $accounts IS NULL AS every WHERE every
  MATCH (x:Account)-[t:TRANSFER]->(y:Account)
  WHERE (x.on_record OR y.on_record)
    AND ($from_key IS NULL OR x.account_id >= $from_key) AND ($to_key IS NULL OR x.account_id < $to_key)
  RETURN x.account_id AS src, y.account_id AS dst, t.amount AS amount, t.ts.epochSeconds AS ts
  UNION ALL
  UNWIND $accounts AS id
  MATCH (:Account {account_id: id})-[t:TRANSFER]-()
  WITH DISTINCT t
  MATCH (x:Account)-[t]->(y:Account) WHERE x.on_record OR y.on_record
  RETURN x.account_id AS src, y.account_id AS dst, t.amount AS amount, t.ts.epochSeconds AS ts
}
RETURN src, dst, amount, ts
