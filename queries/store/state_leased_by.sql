-- (Port)-[:LEASED_BY]->(Enterprise) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads leased_by_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE leased_by AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       max(ord) AS written
FROM leased_by_rows
GROUP BY start_key, end_key;
