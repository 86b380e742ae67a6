// All cards and accounts of one identity, found by the source's person id or by the
// resident identity number, with when and where each was opened and its status.
// Parameters: $person (a person_id or an 18-character identity number).
MATCH (p:Person)
WHERE p.person_id = $person OR p.id_number = toUpper($person)
MATCH (p)-[:HOLDS_SIM|HOLDS_ACCOUNT]->(x)
OPTIONAL MATCH (x)-[:ACTIVATED_AT|OPENED_AT]->(o:Outlet)
RETURN p AS person, x AS card_or_account, CASE WHEN x:Sim THEN 'sim' ELSE 'account' END AS kind,
       coalesce(x.activated_at, x.opened_at) AS opened, o.outlet_id AS outlet, x.status AS status,
       x.suspicion_score AS suspicion_score
ORDER BY opened
