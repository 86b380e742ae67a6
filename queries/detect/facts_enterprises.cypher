// Facts per enterprise for scoring shells: when it was registered and its legal person (法定代表人).
// Parameters: none (enterprises are few: read whole).
// One row per enterprise node, stubs named only by a port or a binding included (no registration, no legal
// person); when extracts disagree on the legal person, the most recently loaded one counts.
MATCH (e:Enterprise)
CALL (e) {
  OPTIONAL MATCH (p:Person)-[l:LEGAL_PERSON_OF]->(e)
  RETURN p.person_id AS legal_person_id ORDER BY l.load_id DESC LIMIT 1
}
RETURN e.enterprise_id AS enterprise_id, e.registered_at.epochSeconds AS registered_at, legal_person_id
