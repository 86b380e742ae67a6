-- What each SMS port sent to each number, from the analysis store: the rows and columns of
-- detect/facts_texts.cypher (how many, summed over kinds, the first and the last, in epoch seconds).
-- One row per port and recipient; a pair whose counts never arrived counts 0, as Cypher's sum does.
-- Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT start_key AS port_code, end_key AS callee, coalesce(sum("count"), 0) AS "count",
       CAST(floor(epoch(min(first_ts))) AS BIGINT) AS first_ts, CAST(floor(epoch(max(last_ts))) AS BIGINT) AS last_ts
FROM sent_to
GROUP BY start_key, end_key
