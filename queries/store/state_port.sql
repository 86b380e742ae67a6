-- Port nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads port_rows: port_code, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE port AS
SELECT port_code,
       max(load_id) AS load_id,
       arg_max("opened_at", ord) FILTER (WHERE "opened_at" IS NOT NULL) AS "opened_at",
       arg_max("status", ord) FILTER (WHERE "status" IS NOT NULL) AS "status",
       max(ord) AS written
FROM port_rows
GROUP BY port_code;
