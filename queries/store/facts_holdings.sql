-- Which enterprise holds each middle number's bindings and since when, from the analysis store: the rows
-- and columns of detect/facts_holdings.cypher (its earliest binding for it, in epoch seconds).
-- One row per middle number and enterprise.
-- Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT start_key AS middle_number, end_key AS enterprise_id, CAST(floor(epoch(first_bound)) AS BIGINT) AS first_bound
FROM held_by
