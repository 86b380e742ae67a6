// Create (Account)-[:OPENED_AT]->(Outlet) on its first load; rows that may exist already go through load_opened_at.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key, datetime(row[2]) AS opened_at
MATCH (a:Account {account_id: start_key})
MATCH (b:Outlet {outlet_id: end_key})
CREATE (a)-[r:OPENED_AT {load_id: $load_id, opened_at: opened_at}]->(b)
