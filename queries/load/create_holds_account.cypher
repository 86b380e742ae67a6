// Create (Person)-[:HOLDS_ACCOUNT]->(Account) on its first load; rows that may exist already go through load_holds_account.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Person {person_id: start_key})
MATCH (b:Account {account_id: end_key})
CREATE (a)-[r:HOLDS_ACCOUNT {load_id: $load_id}]->(b)
