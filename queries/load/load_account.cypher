// Upsert Account nodes from source records; absent values keep what the graph had.
UNWIND $rows AS row
MERGE (n:Account {account_id: row.key})
SET n.load_id = $load_id,
    n.account_kind = coalesce(row.props.account_kind, n.account_kind),
    n.bank = coalesce(row.props.bank, n.bank),
    n.opened_at = coalesce(datetime(row.t.opened_at), n.opened_at),
    n.status = coalesce(row.props.status, n.status),
    n.on_record = true
