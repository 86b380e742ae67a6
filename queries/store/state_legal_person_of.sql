-- (Person)-[:LEGAL_PERSON_OF]->(Enterprise) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads legal_person_of_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE legal_person_of AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       max(ord) AS written
FROM legal_person_of_rows
GROUP BY start_key, end_key;
