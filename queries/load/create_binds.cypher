// Create (MiddleNumber)-[:BINDS]->(Sim) on its first load; rows that may exist already go through load_binds.
// start_id, end_id: element ids of the MiddleNumber and Sim the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id, datetime(row[2]) AS first_bound, datetime(row[3]) AS last_bound, datetime(row[4]) AS last_unbound, row[5] AS longest_minutes, row[6] AS other_msisdn
MATCH (a:MiddleNumber) WHERE elementId(a) = start_id
MATCH (b:Sim) WHERE elementId(b) = end_id
CREATE (a)-[r:BINDS {load_id: $load_id, first_bound: first_bound, last_bound: last_bound, last_unbound: last_unbound, longest_minutes: longest_minutes, other_msisdn: other_msisdn}]->(b)
