-- Enterprise nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads enterprise_rows: enterprise_id, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE enterprise AS
SELECT enterprise_id,
       max(load_id) AS load_id,
       arg_max("credit_code", ord) FILTER (WHERE "credit_code" IS NOT NULL) AS "credit_code",
       arg_max("name", ord) FILTER (WHERE "name" IS NOT NULL) AS "name",
       arg_max("registered_at", ord) FILTER (WHERE "registered_at" IS NOT NULL) AS "registered_at",
       arg_max("region_code", ord) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max(ord) AS written
FROM enterprise_rows
GROUP BY enterprise_id;
