// Upsert Report nodes from source records; absent values keep what the graph had.
UNWIND $rows AS row
MERGE (n:Report {report_id: row.key})
SET n.load_id = $load_id,
    n.reported_at = coalesce(datetime(row.t.reported_at), n.reported_at),
    n.fraud_type = coalesce(row.props.fraud_type, n.fraud_type),
    n.amount_lost = coalesce(row.props.amount_lost, n.amount_lost),
    n.region_code = coalesce(row.props.region_code, n.region_code)
