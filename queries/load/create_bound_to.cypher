// Create (Account)-[:BOUND_TO]->(Sim) on its first load; rows that may exist already go through load_bound_to.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Account {account_id: start_key})
MATCH (b:Sim {msisdn: end_key})
CREATE (a)-[r:BOUND_TO {load_id: $load_id}]->(b)
