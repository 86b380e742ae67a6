// Create (Account)-[:BOUND_TO]->(Sim) on its first load; rows that may exist already go through load_bound_to.
// start_id, end_id: element ids of the Account and Sim the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Account) WHERE elementId(a) = start_id
MATCH (b:Sim) WHERE elementId(b) = end_id
CREATE (a)-[r:BOUND_TO {load_id: $load_id}]->(b)
