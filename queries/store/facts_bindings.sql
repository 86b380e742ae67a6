-- Each middle number's bindings to a real number, from the analysis store: the rows and columns of
-- detect/facts_bindings.cypher (the earliest binding, in epoch seconds, and the longest one's life in minutes).
-- One row per middle number and real number.
-- Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT start_key AS middle_number, end_key AS real_msisdn,
       CAST(floor(epoch(first_bound)) AS BIGINT) AS first_bound, longest_minutes
FROM binds
