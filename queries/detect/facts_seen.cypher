// Every sighting of a card in a device, with its window and the card's holder
// (the most recently loaded one when extracts disagree).
// Parameters: $devices (the devices whose sightings to read; null: every device).
MATCH (s:Sim)-[r:SEEN_IN]->(d:Device) WHERE $devices IS NULL OR d.device_id IN $devices
CALL (s) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_SIM]->(s)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
RETURN s.msisdn AS msisdn, d.device_id AS device, holder, d.device_kind AS device_kind,
       r.first_seen.epochSeconds AS first_seen, r.last_seen.epochSeconds AS last_seen,
       s.activated_at.epochSeconds AS activated
