-- Facts per account, from the analysis store: the rows and columns of detect/facts_accounts.cypher
-- (holder, kind, opening, bound number, whether a victim report names it). One row per account with a
-- record; where loads disagree on the holder or the bound number, the one written last counts.
-- Reads the state tables (queries/store/state_*.sql). Parameters: $accounts (the accounts to read; null: all).
WITH holders AS (
  SELECT end_key AS account_id, arg_max(start_key, written) AS holder FROM holds_account GROUP BY end_key
), bound AS (
  SELECT start_key AS account_id, arg_max(end_key, written) AS bound_msisdn FROM bound_to GROUP BY start_key
)
SELECT a.account_id AS account, h.holder, a.account_kind AS kind,
       CAST(floor(epoch(a.opened_at)) AS BIGINT) AS opened, b.bound_msisdn,
       a.account_id IN (SELECT end_key FROM reports_account) AS reported
FROM account a
LEFT JOIN holders h USING (account_id)
LEFT JOIN bound b USING (account_id)
WHERE $accounts IS NULL OR a.account_id IN (SELECT unnest($accounts))
