-- (MiddleNumber)-[:DIALS_AS]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads dials_as_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE dials_as AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       min("first_bound") AS "first_bound",
       max(ord) AS written
FROM dials_as_rows
GROUP BY start_key, end_key;
