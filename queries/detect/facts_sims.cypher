// Facts per SIM card for scoring: holder, activation, outlet, MVNO flag,
// every device it was seen in (with the window), and its outgoing call pattern.
// Parameters: none. One row per SIM with a card record; when extracts disagree on the
// holder or outlet, the most recently loaded one counts.
MATCH (s:Sim) WHERE s.on_record
CALL (s) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_SIM]->(s)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
CALL (s) {
  OPTIONAL MATCH (s)-[a:ACTIVATED_AT]->(o:Outlet)
  RETURN o.outlet_id AS outlet ORDER BY a.load_id DESC LIMIT 1
}
CALL (s) {
  OPTIONAL MATCH (s)-[c:CALLED]->(:Sim)
  RETURN count(c) AS callees, sum(c.count) AS calls, sum(c.total_duration_s) AS call_seconds
}
RETURN s.msisdn AS msisdn, holder, s.activated_at.epochSeconds AS activated,
       outlet, coalesce(s.is_virtual, false) AS virtual,
       callees, coalesce(calls, 0) AS calls, coalesce(call_seconds, 0) AS call_seconds,
       EXISTS { (:Report)-[:REPORTS_SIM]->(s) } AS reported
