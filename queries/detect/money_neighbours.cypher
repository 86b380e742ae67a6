// The accounts some accounts paid: the money path crosses components. When an account's first-pass
// suspicion changes, what it paid must be re-scored (its share of money from suspects changed).
// Parameters: $accounts (account ids). Returns account ids.
UNWIND $accounts AS id
MATCH (:Account {account_id: id})-[:TRANSFER]->(b:Account)
RETURN DISTINCT b.account_id AS id
