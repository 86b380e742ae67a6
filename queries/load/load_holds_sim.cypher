// Upsert (Person)-[:HOLDS_SIM]->(Sim); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Person {person_id: row.start})
MATCH (b:Sim {msisdn: row.end})
MERGE (a)-[r:HOLDS_SIM]->(b)
SET r.load_id = $load_id
