// Create (Sim)-[:ACTIVATED_AT]->(Outlet) on its first load; rows that may exist already go through load_activated_at.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS activated_at
MATCH (a:Sim {msisdn: start_key})
MATCH (b:Outlet {outlet_id: end_key})
CREATE (a)-[r:ACTIVATED_AT {load_id: $load_id, activated_at: activated_at}]->(b)
