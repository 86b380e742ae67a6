-- (Account)-[:BOUND_TO]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads bound_to_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE bound_to AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       max(ord) AS written
FROM bound_to_rows
GROUP BY start_key, end_key;
