// Every sighting of a card in a device, with its window and the card's holder.
// Parameters: none.
MATCH (s:Sim)-[r:SEEN_IN]->(d:Device)
OPTIONAL MATCH (p:Person)-[:HOLDS_SIM]->(s)
RETURN s.msisdn AS msisdn, d.device_id AS device, p.person_id AS holder, d.device_kind AS device_kind,
       r.first_seen.epochSeconds AS first_seen, r.last_seen.epochSeconds AS last_seen,
       s.activated_at.epochSeconds AS activated
