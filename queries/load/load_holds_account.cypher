// Upsert (Person)-[:HOLDS_ACCOUNT]->(Account); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Person {person_id: row.start})
MATCH (b:Account {account_id: row.end})
MERGE (a)-[r:HOLDS_ACCOUNT]->(b)
SET r.load_id = $load_id
