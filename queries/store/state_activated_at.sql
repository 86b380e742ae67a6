-- (Sim)-[:ACTIVATED_AT]->(Outlet) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads activated_at_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE activated_at AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       arg_max("activated_at", ord) FILTER (WHERE "activated_at" IS NOT NULL) AS "activated_at",
       max(ord) AS written
FROM activated_at_rows
GROUP BY start_key, end_key;
