-- (Account)-[:TRANSFER]->(Account) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads transfer_rows: start_key, end_key, transfer_id, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE transfer AS
SELECT start_key, end_key, transfer_id,
       max(load_id) AS load_id,
       arg_max("amount", ord) FILTER (WHERE "amount" IS NOT NULL) AS "amount",
       arg_max("ts", ord) FILTER (WHERE "ts" IS NOT NULL) AS "ts",
       max(ord) AS written
FROM transfer_rows
GROUP BY start_key, end_key, transfer_id;
