-- (MiddleNumber)-[:BINDS]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads binds_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE binds AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       min("first_bound") AS "first_bound",
       max("last_bound") AS "last_bound",
       max("last_unbound") AS "last_unbound",
       max("longest_minutes") AS "longest_minutes",
       arg_max("other_msisdn", ord) FILTER (WHERE "other_msisdn" IS NOT NULL) AS "other_msisdn",
       max(ord) AS written
FROM binds_rows
GROUP BY start_key, end_key;
