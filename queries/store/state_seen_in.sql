-- (Sim)-[:SEEN_IN]->(Device) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads seen_in_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE seen_in AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       min("first_seen") AS "first_seen",
       max("last_seen") AS "last_seen",
       max("days_seen") AS "days_seen",
       max(ord) AS written
FROM seen_in_rows
GROUP BY start_key, end_key;
