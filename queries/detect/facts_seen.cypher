// Every sighting of a card in a device, with its window and the card's holder
// (the most recently loaded one when extracts disagree).
// Parameters: $devices (the devices whose sightings to read, each once; null: every device).
CALL () {  // every device, or the listed ones sought by key (an incremental run's region: no scan)
  MATCH (d:Device) WHERE $devices IS NULL RETURN d
  UNION ALL
  UNWIND $devices AS id MATCH (d:Device {device_id: id}) RETURN d
}
MATCH (s:Sim)-[r:SEEN_IN]->(d)
CALL (s) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_SIM]->(s)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
RETURN s.msisdn AS msisdn, d.device_id AS device, holder, d.device_kind AS device_kind,
       r.first_seen.epochSeconds AS first_seen, r.last_seen.epochSeconds AS last_seen,
       s.activated_at.epochSeconds AS activated
