// Create (Account)-[:USED_FROM]->(Device) on its first load; rows that may exist already go through load_used_from.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS first_seen, datetime(row[3]) AS last_seen
MATCH (a:Account {account_id: start_key})
MATCH (b:Device {device_id: end_key})
CREATE (a)-[r:USED_FROM {load_id: $load_id, first_seen: first_seen, last_seen: last_seen}]->(b)
