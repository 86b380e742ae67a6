// Every sighting of a card in a device, with its window and the card's holder
// (the most recently loaded one when extracts disagree).
// Parameters: $devices (the devices whose sightings to read, each once; null: every device),
//             $from_key, $to_key (with $devices null, a page of them: keys from the first, up to but not the second;
//             null: unbounded. A graph too big for whole results is read so, duanka/queries.py: paged_frame).
CALL () {  // every device, or the listed ones sought by key (a region: no scan)
  WITH $devices IS NULL AS every WHERE every
  MATCH (d:Device)
  WHERE ($from_key IS NULL OR d.device_id >= $from_key) AND ($to_key IS NULL OR d.device_id < $to_key)
  RETURN d
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
