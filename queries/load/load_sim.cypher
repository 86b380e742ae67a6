// Upsert Sim nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS msisdn, row[1] AS carrier, row[2] AS is_virtual, row[3] AS iccid, row[4] AS imsi, datetime(row[5]) AS activated_at, row[6] AS status
MERGE (n:Sim {msisdn: msisdn})
ON CREATE SET n.load_id = $load_id,
    n.carrier = carrier,
    n.is_virtual = is_virtual,
    n.iccid = iccid,
    n.imsi = imsi,
    n.activated_at = activated_at,
    n.status = status,
    n.on_record = true
ON MATCH SET n.load_id = $load_id,
    n.carrier = coalesce(carrier, n.carrier),
    n.is_virtual = coalesce(is_virtual, n.is_virtual),
    n.iccid = coalesce(iccid, n.iccid),
    n.imsi = coalesce(imsi, n.imsi),
    n.activated_at = coalesce(activated_at, n.activated_at),
    n.status = coalesce(status, n.status),
    n.on_record = true
RETURN collect([msisdn, elementId(n)]) AS ids
