// Create (Person)-[:HOLDS_SIM]->(Sim) on its first load; rows that may exist already go through load_holds_sim.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Person {person_id: start_key})
MATCH (b:Sim {msisdn: end_key})
CREATE (a)-[r:HOLDS_SIM {load_id: $load_id}]->(b)
