-- The calls a middle number made itself, from the analysis store: the rows and columns of
-- detect/facts_middle_calls.cypher (the calls of the numbers it dials as, per callee, summed over kinds).
-- One row per middle number and callee; a pair whose counts never arrived counts 0, as Cypher's sum does;
-- total_duration_s null where no call of the pair had a duration.
-- Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT d.start_key AS middle_number, c.end_key AS callee, coalesce(sum(c."count"), 0) AS "count",
       sum(c.total_duration_s) AS total_duration_s
FROM dials_as d
JOIN called c ON c.start_key = d.end_key
GROUP BY d.start_key, c.end_key
