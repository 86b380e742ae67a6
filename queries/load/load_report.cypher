// Upsert Report nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS report_id, datetime(row[1]) AS reported_at, row[2] AS fraud_type, row[3] AS amount_lost, row[4] AS region_code
MERGE (n:Report {report_id: report_id})
ON CREATE SET n.load_id = $load_id,
    n.reported_at = reported_at,
    n.fraud_type = fraud_type,
    n.amount_lost = amount_lost,
    n.region_code = region_code
ON MATCH SET n.load_id = $load_id,
    n.reported_at = coalesce(reported_at, n.reported_at),
    n.fraud_type = coalesce(fraud_type, n.fraud_type),
    n.amount_lost = coalesce(amount_lost, n.amount_lost),
    n.region_code = coalesce(region_code, n.region_code)
RETURN collect([report_id, elementId(n)]) AS ids
