// Upsert (MiddleNumber)-[:BINDS]->(Sim); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the MiddleNumber and Sim the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_bound, datetime(row[3]) AS last_bound, datetime(row[4]) AS last_unbound, row[5] AS longest_minutes, row[6] AS other_msisdn
MATCH (a:MiddleNumber) WHERE elementId(a) = start_id
MATCH (b:Sim) WHERE elementId(b) = end_id
MERGE (a)-[r:BINDS]->(b)
ON CREATE SET r.load_id = $load_id,
    r.first_bound = first_bound,
    r.last_bound = last_bound,
    r.last_unbound = last_unbound,
    r.longest_minutes = longest_minutes,
    r.other_msisdn = other_msisdn
ON MATCH SET r.load_id = $load_id,
    r.first_bound = CASE WHEN r.first_bound < first_bound THEN r.first_bound ELSE coalesce(first_bound, r.first_bound) END,
    r.last_bound = CASE WHEN r.last_bound > last_bound THEN r.last_bound ELSE coalesce(last_bound, r.last_bound) END,
    r.last_unbound = CASE WHEN r.last_unbound > last_unbound THEN r.last_unbound ELSE coalesce(last_unbound, r.last_unbound) END,
    r.longest_minutes = CASE WHEN r.longest_minutes > longest_minutes THEN r.longest_minutes ELSE coalesce(longest_minutes, r.longest_minutes) END,
    r.other_msisdn = coalesce(other_msisdn, r.other_msisdn)
