// Upsert (Person)-[:HOLDS_SIM]->(Sim); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Person {person_id: start_key})
MATCH (b:Sim {msisdn: end_key})
MERGE (a)-[r:HOLDS_SIM]->(b)
ON CREATE SET r.load_id = $load_id
ON MATCH SET r.load_id = $load_id
