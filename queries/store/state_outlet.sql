-- Outlet nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads outlet_rows: outlet_id, its properties, load_id, seq.
CREATE OR REPLACE TEMP TABLE outlet AS
SELECT outlet_id,
       max(load_id) AS load_id,
       arg_max("outlet_kind", (load_id, seq)) FILTER (WHERE "outlet_kind" IS NOT NULL) AS "outlet_kind",
       arg_max("name", (load_id, seq)) FILTER (WHERE "name" IS NOT NULL) AS "name",
       arg_max("region_code", (load_id, seq)) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max((load_id, seq)) AS written
FROM outlet_rows
GROUP BY outlet_id;
