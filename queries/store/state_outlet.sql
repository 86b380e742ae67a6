-- Outlet nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads outlet_rows: outlet_id, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE outlet AS
SELECT outlet_id,
       max(load_id) AS load_id,
       arg_max("outlet_kind", ord) FILTER (WHERE "outlet_kind" IS NOT NULL) AS "outlet_kind",
       arg_max("name", ord) FILTER (WHERE "name" IS NOT NULL) AS "name",
       arg_max("region_code", ord) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max(ord) AS written
FROM outlet_rows
GROUP BY outlet_id;
