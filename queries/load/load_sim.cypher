// Upsert Sim nodes from source records; absent values keep what the graph had.
UNWIND $rows AS row
MERGE (n:Sim {msisdn: row.key})
SET n.load_id = $load_id,
    n.carrier = coalesce(row.props.carrier, n.carrier),
    n.is_virtual = coalesce(row.props.is_virtual, n.is_virtual),
    n.iccid = coalesce(row.props.iccid, n.iccid),
    n.imsi = coalesce(row.props.imsi, n.imsi),
    n.activated_at = coalesce(datetime(row.t.activated_at), n.activated_at),
    n.status = coalesce(row.props.status, n.status),
    n.on_record = true
