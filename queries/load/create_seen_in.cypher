// Create (Sim)-[:SEEN_IN]->(Device) on its first load; rows that may exist already go through load_seen_in.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS first_seen, datetime(row[3]) AS last_seen, row[4] AS days_seen
MATCH (a:Sim {msisdn: start_key})
MATCH (b:Device {device_id: end_key})
CREATE (a)-[r:SEEN_IN {load_id: $load_id, first_seen: first_seen, last_seen: last_seen, days_seen: days_seen}]->(b)
