// Facts per SIM card for scoring: holder, activation, outlet, MVNO flag,
// every device it was seen in (with the window), and its outgoing call pattern.
// Parameters: none. One row per SIM with a card record.
MATCH (s:Sim) WHERE s.on_record
OPTIONAL MATCH (p:Person)-[:HOLDS_SIM]->(s)
OPTIONAL MATCH (s)-[:ACTIVATED_AT]->(o:Outlet)
OPTIONAL MATCH (s)-[c:CALLED]->(:Sim)
WITH s, p, o, count(c) AS callees, sum(c.count) AS calls, sum(c.total_duration_s) AS call_seconds
RETURN s.msisdn AS msisdn, p.person_id AS holder, s.activated_at.epochSeconds AS activated,
       o.outlet_id AS outlet, coalesce(s.is_virtual, false) AS virtual,
       callees, coalesce(calls, 0) AS calls, coalesce(call_seconds, 0) AS call_seconds,
       EXISTS { (:Report)-[:REPORTS_SIM]->(s) } AS reported
