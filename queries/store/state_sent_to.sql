-- (Port)-[:SENT_TO]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads sent_to_rows: start_key, end_key, kind, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE sent_to AS
SELECT start_key, end_key, kind,
       max(load_id) AS load_id,
       arg_max("count", ord) FILTER (WHERE "count" IS NOT NULL) AS "count",
       arg_max("total_duration_s", ord) FILTER (WHERE "total_duration_s" IS NOT NULL) AS "total_duration_s",
       min("first_ts") AS "first_ts",
       max("last_ts") AS "last_ts",
       max(ord) AS written
FROM sent_to_rows
GROUP BY start_key, end_key, kind;
