// Facts per SMS port: the enterprise it is leased to, the reseller that leased it out, when it opened.
// Parameters: none (ports are few: read whole).
// One row per port; when extracts disagree on the lessee or the reseller, the most recently loaded one counts.
MATCH (p:Port)
CALL (p) {
  OPTIONAL MATCH (p)-[l:LEASED_BY]->(e:Enterprise)
  RETURN e.enterprise_id AS enterprise_id ORDER BY l.load_id DESC LIMIT 1
}
CALL (p) {
  OPTIONAL MATCH (p)-[r:RESOLD_BY]->(a:Enterprise)
  RETURN a.enterprise_id AS agent_id ORDER BY r.load_id DESC LIMIT 1
}
RETURN p.port_code AS port_code, enterprise_id, agent_id, p.opened_at.epochSeconds AS opened_at
