// Every use of an account from a device, with its window and the account's holder.
// Parameters: $accounts (the accounts whose uses to read; null: every account).
MATCH (a:Account)-[r:USED_FROM]->(d:Device) WHERE $accounts IS NULL OR a.account_id IN $accounts
CALL (a) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_ACCOUNT]->(a)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
RETURN a.account_id AS account, d.device_id AS device, holder,
       r.first_seen.epochSeconds AS first_seen, r.last_seen.epochSeconds AS last_seen,
       a.opened_at.epochSeconds AS opened
