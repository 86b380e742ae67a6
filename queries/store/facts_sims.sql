-- Facts per SIM card for scoring, from the analysis store: the rows and columns of detect/facts_sims.cypher
-- (what each column means is said there). One row per number with a card record; where loads disagree on
-- the holder or the outlet, the one written last counts. Times are epoch seconds.
-- Reads the state tables (queries/store/state_*.sql). Parameters: $sims (the numbers to read; null: all).
WITH holders AS (
  SELECT end_key AS msisdn, arg_max(start_key, written) AS holder FROM holds_sim GROUP BY end_key
), outlets AS (
  SELECT start_key AS msisdn, arg_max(end_key, written) AS outlet FROM activated_at GROUP BY start_key
), calls_out AS (
  SELECT start_key AS msisdn,
         count(DISTINCT end_key) AS callees,
         sum("count") FILTER (WHERE coalesce(kind, 'voice') = 'voice') AS calls,
         sum(total_duration_s) FILTER (WHERE coalesce(kind, 'voice') = 'voice') AS call_seconds,
         count(total_duration_s) FILTER (WHERE coalesce(kind, 'voice') = 'voice') AS timed_pairs,
         sum("count") FILTER (WHERE coalesce(kind, 'voice') = 'voice' AND total_duration_s IS NOT NULL) AS timed_calls,
         min(first_ts) FILTER (WHERE coalesce(kind, 'voice') = 'voice') AS first_call
  FROM called GROUP BY start_key
), calls_in AS (
  SELECT end_key AS msisdn, count(DISTINCT start_key) AS callers_in FROM called GROUP BY end_key
)
SELECT s.msisdn, h.holder, CAST(floor(epoch(s.activated_at)) AS BIGINT) AS activated, o.outlet,
       coalesce(s.is_virtual, false) AS virtual,
       coalesce(c.callees, 0) AS callees, coalesce(c.calls, 0) AS calls,
       CASE WHEN c.timed_pairs > 0 THEN c.call_seconds END AS call_seconds, coalesce(c.timed_calls, 0) AS timed_calls,
       CAST(floor(epoch(c.first_call)) AS BIGINT) AS first_call, coalesce(i.callers_in, 0) AS callers_in,
       s.msisdn IN (SELECT end_key FROM reports_sim) AS reported
FROM sim s
LEFT JOIN holders h USING (msisdn)
LEFT JOIN outlets o USING (msisdn)
LEFT JOIN calls_out c USING (msisdn)
LEFT JOIN calls_in i USING (msisdn)
WHERE $sims IS NULL OR s.msisdn IN (SELECT unnest($sims))
