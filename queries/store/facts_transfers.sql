-- Every transfer that touches an account on record, from the analysis store: the rows and columns of
-- detect/facts_transfers.cypher (who paid whom, how much, when).
-- Reads the state tables (queries/store/state_*.sql).
-- Parameters: $accounts (the transfers touching these accounts, either end; null: every transfer).
SELECT t.start_key AS src, t.end_key AS dst, t.amount, CAST(floor(epoch(t.ts)) AS BIGINT) AS ts
FROM transfer t
WHERE (t.start_key IN (SELECT account_id FROM account) OR t.end_key IN (SELECT account_id FROM account))
  AND ($accounts IS NULL OR t.start_key IN (SELECT unnest($accounts)) OR t.end_key IN (SELECT unnest($accounts)))
