// Upsert (MiddleNumber)-[:HELD_BY]->(Enterprise); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the MiddleNumber and Enterprise the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_bound
MATCH (a:MiddleNumber) WHERE elementId(a) = start_id
MATCH (b:Enterprise) WHERE elementId(b) = end_id
MERGE (a)-[r:HELD_BY]->(b)
ON CREATE SET r.load_id = $load_id,
    r.first_bound = first_bound
ON MATCH SET r.load_id = $load_id,
    r.first_bound = CASE WHEN r.first_bound < first_bound THEN r.first_bound ELSE coalesce(first_bound, r.first_bound) END
