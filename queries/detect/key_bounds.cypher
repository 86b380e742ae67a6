// Where to cut the keys of one type of scored entity into pages of about $per_page keys: a graph too big
// for whole results is read a page at a time (duanka/queries.py: paged_frame), each page the keys from
// one bound up to the next. The bounds are quantiles of a sample of 256 keys a page (sorting every key
// cost seconds), in the server's own order of keys, the order the pages' key comparisons use: every key
// falls in exactly one page, and pages hold about $per_page keys each.
// Parameters: $type (person, sim, account or device), $per_page.
CALL () {
  WITH $type = 'person' AS wanted WHERE wanted
  MATCH (n:Person) RETURN n.person_id AS key
  UNION ALL
  WITH $type = 'sim' AS wanted WHERE wanted
  MATCH (n:Sim) RETURN n.msisdn AS key
  UNION ALL
  WITH $type = 'account' AS wanted WHERE wanted
  MATCH (n:Account) RETURN n.account_id AS key
  UNION ALL
  WITH $type = 'device' AS wanted WHERE wanted
  MATCH (n:Device) RETURN n.device_id AS key
  UNION ALL
  WITH $type = 'enterprise' AS wanted WHERE wanted
  MATCH (n:Enterprise) RETURN n.enterprise_id AS key
  UNION ALL
  WITH $type = 'port' AS wanted WHERE wanted
  MATCH (n:Port) RETURN n.port_code AS key
  UNION ALL
  WITH $type = 'middle_number' AS wanted WHERE wanted
  MATCH (n:MiddleNumber) RETURN n.middle_number AS key
}
WITH key WHERE rand() * $per_page < 256
WITH key ORDER BY key
WITH collect(key) AS sample
// (range() gives one number, not none, when the end is less than a step before the start: hence the WHERE.)
RETURN [i IN range(256, size(sample) - 1, 256) WHERE i < size(sample) | sample[i]] AS bounds
