// Every use of an account from a device, with its window and the account's holder.
// Parameters: $accounts (the accounts whose uses to read, each once; null: every account),
//             $from_key, $to_key (with $accounts null, a page of them: keys from the first, up to but not the second;
//             null: unbounded. A graph too big for whole results is read so, duanka/queries.py: paged_frame).
CALL () {  // every account, or the listed ones sought by key (a region: no scan)
  WITH $accounts IS NULL AS every WHERE every
  MATCH (a:Account)
  WHERE ($from_key IS NULL OR a.account_id >= $from_key) AND ($to_key IS NULL OR a.account_id < $to_key)
  RETURN a
  UNION ALL
  UNWIND $accounts AS id MATCH (a:Account {account_id: id}) RETURN a
}
MATCH (a)-[r:USED_FROM]->(d:Device)
CALL (a) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_ACCOUNT]->(a)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
RETURN a.account_id AS account, d.device_id AS device, holder,
       r.first_seen.epochSeconds AS first_seen, r.last_seen.epochSeconds AS last_seen,
       a.opened_at.epochSeconds AS opened
