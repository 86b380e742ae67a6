// Create (Account)-[:USED_FROM]->(Device) on its first load; rows that may exist already go through load_used_from.
// start_id, end_id: element ids of the Account and Device the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_seen, datetime(row[3]) AS last_seen
MATCH (a:Account) WHERE elementId(a) = start_id
MATCH (b:Device) WHERE elementId(b) = end_id
CREATE (a)-[r:USED_FROM {load_id: $load_id, first_seen: first_seen, last_seen: last_seen}]->(b)
