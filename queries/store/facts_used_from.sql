-- Every use of an account from a device, from the analysis store: the rows and columns of
-- detect/facts_used_from.cypher (its window, the account's holder written last, its opening).
-- Reads the state tables (queries/store/state_*.sql). Parameters: $accounts (the accounts to read; null: all).
WITH holders AS (
  SELECT end_key AS account_id, arg_max(start_key, written) AS holder FROM holds_account GROUP BY end_key
)
SELECT r.start_key AS account, r.end_key AS device, h.holder,
       CAST(floor(epoch(r.first_seen)) AS BIGINT) AS first_seen, CAST(floor(epoch(r.last_seen)) AS BIGINT) AS last_seen,
       CAST(floor(epoch(a.opened_at)) AS BIGINT) AS opened
FROM used_from r
LEFT JOIN holders h ON h.account_id = r.start_key
LEFT JOIN account a ON a.account_id = r.start_key
WHERE $accounts IS NULL OR r.start_key IN (SELECT unnest($accounts))
