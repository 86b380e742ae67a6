-- (Account)-[:USED_FROM]->(Device) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads used_from_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE used_from AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       min("first_seen") AS "first_seen",
       max("last_seen") AS "last_seen",
       max(ord) AS written
FROM used_from_rows
GROUP BY start_key, end_key;
