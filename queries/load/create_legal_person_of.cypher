// Create (Person)-[:LEGAL_PERSON_OF]->(Enterprise) on its first load; rows that may exist already go through load_legal_person_of.
// start_id, end_id: element ids of the Person and Enterprise the row's keys name (resolved once per load).
UNWIND $rows AS row
WITH row[0] AS start_id, row[1] AS end_id
MATCH (a:Person) WHERE elementId(a) = start_id
MATCH (b:Enterprise) WHERE elementId(b) = end_id
CREATE (a)-[r:LEGAL_PERSON_OF {load_id: $load_id}]->(b)
