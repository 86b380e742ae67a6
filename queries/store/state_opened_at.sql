-- (Account)-[:OPENED_AT]->(Outlet) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads opened_at_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE opened_at AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       arg_max("opened_at", ord) FILTER (WHERE "opened_at" IS NOT NULL) AS "opened_at",
       max(ord) AS written
FROM opened_at_rows
GROUP BY start_key, end_key;
