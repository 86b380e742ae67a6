// Upsert Account nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS account_id, row[1] AS account_kind, row[2] AS bank, datetime(row[3]) AS opened_at, row[4] AS status
MERGE (n:Account {account_id: account_id})
ON CREATE SET n.load_id = $load_id,
    n.account_kind = account_kind,
    n.bank = bank,
    n.opened_at = opened_at,
    n.status = status,
    n.on_record = true
ON MATCH SET n.load_id = $load_id,
    n.account_kind = coalesce(account_kind, n.account_kind),
    n.bank = coalesce(bank, n.bank),
    n.opened_at = coalesce(opened_at, n.opened_at),
    n.status = coalesce(status, n.status),
    n.on_record = true
RETURN collect([account_id, elementId(n)]) AS ids
