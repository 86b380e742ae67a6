-- Device nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads device_rows: device_id, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE device AS
SELECT device_id,
       max(load_id) AS load_id,
       arg_max("device_kind", ord) FILTER (WHERE "device_kind" IS NOT NULL) AS "device_kind",
       arg_max("model", ord) FILTER (WHERE "model" IS NOT NULL) AS "model",
       max(ord) AS written
FROM device_rows
GROUP BY device_id;
