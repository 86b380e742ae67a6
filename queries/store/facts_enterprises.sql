-- Facts per enterprise for scoring shells, from the analysis store: the rows and columns of
-- detect/facts_enterprises.cypher (when it was registered, its legal person). One row per enterprise node,
-- stubs named only by a port or a binding included (no registration, no legal person); where loads
-- disagree on the legal person, the one written last counts. Times are epoch seconds.
-- Reads the state tables (queries/store/state_*.sql) and every enterprise (nodes_enterprise.sql). Parameters: none.
WITH legal AS (
  SELECT end_key AS enterprise_id, arg_max(start_key, written) AS legal_person_id FROM legal_person_of GROUP BY end_key
)
SELECT n.enterprise_id, CAST(floor(epoch(e.registered_at)) AS BIGINT) AS registered_at, l.legal_person_id
FROM enterprise_nodes n
LEFT JOIN enterprise e USING (enterprise_id)
LEFT JOIN legal l USING (enterprise_id)
