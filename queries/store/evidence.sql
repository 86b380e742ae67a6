-- Which evidence the loads read hold, from the analysis store: per relationship type detection scores
-- with, how many (load/present.cypher's counts), and per optional column, 1 when any value arrived
-- (detect/evidence_details.cypher). Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT (SELECT count(*) FROM holds_sim) AS HOLDS_SIM,
       (SELECT count(*) FROM holds_account) AS HOLDS_ACCOUNT,
       (SELECT count(*) FROM activated_at) AS ACTIVATED_AT,
       (SELECT count(*) FROM seen_in) AS SEEN_IN,
       (SELECT count(*) FROM used_from) AS USED_FROM,
       (SELECT count(*) FROM bound_to) AS BOUND_TO,
       (SELECT count(*) FROM transfer) AS TRANSFER,
       (SELECT count(*) FROM called) AS CALLED,
       (SELECT count(*) FROM reports_sim) AS REPORTS_SIM,
       (SELECT count(*) FROM reports_account) AS REPORTS_ACCOUNT,
       (SELECT count(*) > 0 FROM called WHERE total_duration_s IS NOT NULL)::INT AS CALL_DURATIONS,
       (SELECT count(*) > 0 FROM called WHERE first_ts IS NOT NULL)::INT AS CALL_TIMES,
       (SELECT count(*) > 0 FROM sim WHERE activated_at IS NOT NULL)::INT AS ACTIVATION_TIMES,
       (SELECT count(*) > 0 FROM seen_in WHERE first_seen IS NOT NULL)::INT AS SIGHTING_TIMES
