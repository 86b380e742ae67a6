-- (MiddleNumber)-[:HELD_BY]->(Enterprise) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads held_by_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE held_by AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       min("first_bound") AS "first_bound",
       max(ord) AS written
FROM held_by_rows
GROUP BY start_key, end_key;
