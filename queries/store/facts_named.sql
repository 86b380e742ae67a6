-- The SMS ports and middle numbers victim reports name, from the analysis store: the rows of
-- detect/facts_named.cypher (a report names the number the victim saw: a port's code, or the number a
-- middle number dials as). One row per port code or middle number named.
-- Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT end_key AS number FROM reports_port
UNION
SELECT d.start_key FROM dials_as d WHERE d.end_key IN (SELECT end_key FROM reports_sim)
