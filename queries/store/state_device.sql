-- Device nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads device_rows: device_id, its properties, load_id, seq.
CREATE OR REPLACE TEMP TABLE device AS
SELECT device_id,
       max(load_id) AS load_id,
       arg_max("device_kind", (load_id, seq)) FILTER (WHERE "device_kind" IS NOT NULL) AS "device_kind",
       arg_max("model", (load_id, seq)) FILTER (WHERE "model" IS NOT NULL) AS "model",
       max((load_id, seq)) AS written
FROM device_rows
GROUP BY device_id;
