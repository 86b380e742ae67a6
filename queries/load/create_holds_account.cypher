// Create (Person)-[:HOLDS_ACCOUNT]->(Account) on its first load; rows that may exist already go through load_holds_account.
// start_id, end_id: element ids of the Person and Account the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Person) WHERE elementId(a) = start_id
MATCH (b:Account) WHERE elementId(b) = end_id
CREATE (a)-[r:HOLDS_ACCOUNT {load_id: $load_id}]->(b)
