// Every use of an account from a device, with its window and the account's holder.
// Parameters: none.
MATCH (a:Account)-[r:USED_FROM]->(d:Device)
OPTIONAL MATCH (p:Person)-[:HOLDS_ACCOUNT]->(a)
RETURN a.account_id AS account, d.device_id AS device, p.person_id AS holder,
       r.first_seen.epochSeconds AS first_seen, r.last_seen.epochSeconds AS last_seen,
       a.opened_at.epochSeconds AS opened
