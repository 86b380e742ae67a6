-- The community graph's relationships, from the analysis store: the rows and columns of
-- detect/project_edges.cypher (who holds what, which card ran in which device, which account was used
-- from which device, which number an account is bound to; who fronts which enterprise, which enterprise
-- leases (or resold) which SMS port, which card a middle number binds and which enterprise holds it).
-- An established reseller's resales are left out, as there ($established_s: registered that long before the
-- port opened). One row per relationship.
-- Reads the state tables (queries/store/state_*.sql). Parameters: $established_s.
SELECT start_key AS a, 'person' AS a_type, end_key AS b, 'sim' AS b_type, 'HOLDS_SIM' AS rel FROM holds_sim
UNION ALL
SELECT start_key, 'person', end_key, 'account', 'HOLDS_ACCOUNT' FROM holds_account
UNION ALL
SELECT start_key, 'sim', end_key, 'device', 'SEEN_IN' FROM seen_in
UNION ALL
SELECT start_key, 'account', end_key, 'device', 'USED_FROM' FROM used_from
UNION ALL
SELECT start_key, 'account', end_key, 'sim', 'BOUND_TO' FROM bound_to
UNION ALL
SELECT start_key, 'person', end_key, 'enterprise', 'LEGAL_PERSON_OF' FROM legal_person_of
UNION ALL
SELECT start_key, 'port', end_key, 'enterprise', 'LEASED_BY' FROM leased_by
UNION ALL
SELECT r.start_key, 'port', r.end_key, 'enterprise', 'RESOLD_BY'
FROM resold_by r
LEFT JOIN port p ON p.port_code = r.start_key
LEFT JOIN enterprise e ON e.enterprise_id = r.end_key
WHERE NOT coalesce(epoch(p.opened_at) - epoch(e.registered_at) >= $established_s, false)
UNION ALL
SELECT start_key, 'middle_number', end_key, 'sim', 'BINDS' FROM binds
UNION ALL
SELECT start_key, 'middle_number', end_key, 'enterprise', 'HELD_BY' FROM held_by
