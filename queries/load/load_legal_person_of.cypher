// Upsert (Person)-[:LEGAL_PERSON_OF]->(Enterprise); a repeated observation widens first/last seen instead of doubling.
// start_id, end_id: element ids of the Person and Enterprise the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Person) WHERE elementId(a) = start_id
MATCH (b:Enterprise) WHERE elementId(b) = end_id
MERGE (a)-[r:LEGAL_PERSON_OF]->(b)
ON CREATE SET r.load_id = $load_id
ON MATCH SET r.load_id = $load_id
