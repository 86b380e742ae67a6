-- The community graph's relationships, from the analysis store: the rows and columns of
-- detect/project_edges.cypher (who holds what, which card ran in which device, which account was used
-- from which device, which number an account is bound to). One row per relationship.
-- Reads the state tables (queries/store/state_*.sql). Parameters: none.
SELECT start_key AS a, 'person' AS a_type, end_key AS b, 'sim' AS b_type, 'HOLDS_SIM' AS rel FROM holds_sim
UNION ALL
SELECT start_key, 'person', end_key, 'account', 'HOLDS_ACCOUNT' FROM holds_account
UNION ALL
SELECT start_key, 'sim', end_key, 'device', 'SEEN_IN' FROM seen_in
UNION ALL
SELECT start_key, 'account', end_key, 'device', 'USED_FROM' FROM used_from
UNION ALL
SELECT start_key, 'account', end_key, 'sim', 'BOUND_TO' FROM bound_to
