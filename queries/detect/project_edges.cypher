// Projection for community detection: who holds what, which card ran in which device,
// which account was used from which device, which number an account is bound to; and the black market's
// other resources: who fronts which enterprise, which enterprise leases (or resold) which SMS port, which
// card a middle number binds and which enterprise holds it — so a ring's ports and shells join its cards.
// Outlets, calls and transfers are left out of the community graph on purpose
// (busy outlets and victims would glue unrelated people together); they are signals. So is a resale by a
// reseller registered $established_s seconds or more before the port opened: an established provider serves
// shops and rings alike, and its resales would glue them together.
// Parameters: $established_s, $type (null: every relationship; person, sim, account, port or middle_number: those such entities start,
// a page of them: keys from $from_key up to but not $to_key, either null for unbounded — a graph too
// big for whole results is read so, duanka/queries.py: paged_frame). One row per relationship.
CALL () {
  WITH $type IS NULL AS every WHERE every
  MATCH (a)-[r:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO|LEGAL_PERSON_OF|LEASED_BY|RESOLD_BY|BINDS|HELD_BY]->(b)
  WHERE NOT (type(r) = 'RESOLD_BY'
             AND coalesce(a.opened_at.epochSeconds - b.registered_at.epochSeconds >= $established_s, false))
  RETURN a, r, b
  UNION ALL
  WITH $type = 'person' AS wanted WHERE wanted
  MATCH (a:Person)-[r:HOLDS_SIM|HOLDS_ACCOUNT|LEGAL_PERSON_OF]->(b)
  WHERE ($from_key IS NULL OR a.person_id >= $from_key) AND ($to_key IS NULL OR a.person_id < $to_key)
  RETURN a, r, b
  UNION ALL
  WITH $type = 'sim' AS wanted WHERE wanted
  MATCH (a:Sim)-[r:SEEN_IN]->(b)
  WHERE ($from_key IS NULL OR a.msisdn >= $from_key) AND ($to_key IS NULL OR a.msisdn < $to_key)
  RETURN a, r, b
  UNION ALL
  WITH $type = 'account' AS wanted WHERE wanted
  MATCH (a:Account)-[r:USED_FROM|BOUND_TO]->(b)
  WHERE ($from_key IS NULL OR a.account_id >= $from_key) AND ($to_key IS NULL OR a.account_id < $to_key)
  RETURN a, r, b
  UNION ALL
  WITH $type = 'port' AS wanted WHERE wanted
  MATCH (a:Port)-[r:LEASED_BY|RESOLD_BY]->(b)
  WHERE ($from_key IS NULL OR a.port_code >= $from_key) AND ($to_key IS NULL OR a.port_code < $to_key)
    AND NOT (type(r) = 'RESOLD_BY'
             AND coalesce(a.opened_at.epochSeconds - b.registered_at.epochSeconds >= $established_s, false))
  RETURN a, r, b
  UNION ALL
  WITH $type = 'middle_number' AS wanted WHERE wanted
  MATCH (a:MiddleNumber)-[r:BINDS|HELD_BY]->(b)
  WHERE ($from_key IS NULL OR a.middle_number >= $from_key) AND ($to_key IS NULL OR a.middle_number < $to_key)
  RETURN a, r, b
}
RETURN coalesce(a.person_id, a.msisdn, a.account_id, a.device_id, a.enterprise_id, a.port_code, a.middle_number) AS a,
       CASE WHEN a:Person THEN 'person' WHEN a:Sim THEN 'sim' WHEN a:Account THEN 'account' WHEN a:Device THEN 'device' WHEN a:Enterprise THEN 'enterprise' WHEN a:Port THEN 'port' WHEN a:MiddleNumber THEN 'middle_number' END AS a_type,
       coalesce(b.msisdn, b.account_id, b.device_id, b.enterprise_id) AS b,
       CASE WHEN b:Sim THEN 'sim' WHEN b:Account THEN 'account' WHEN b:Enterprise THEN 'enterprise' ELSE 'device' END AS b_type,
       type(r) AS rel
