-- Sim nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads sim_rows: msisdn, its properties, load_id, seq.
CREATE OR REPLACE TEMP TABLE sim AS
SELECT msisdn,
       max(load_id) AS load_id,
       arg_max("carrier", (load_id, seq)) FILTER (WHERE "carrier" IS NOT NULL) AS "carrier",
       arg_max("is_virtual", (load_id, seq)) FILTER (WHERE "is_virtual" IS NOT NULL) AS "is_virtual",
       arg_max("iccid", (load_id, seq)) FILTER (WHERE "iccid" IS NOT NULL) AS "iccid",
       arg_max("imsi", (load_id, seq)) FILTER (WHERE "imsi" IS NOT NULL) AS "imsi",
       arg_max("activated_at", (load_id, seq)) FILTER (WHERE "activated_at" IS NOT NULL) AS "activated_at",
       arg_max("status", (load_id, seq)) FILTER (WHERE "status" IS NOT NULL) AS "status",
       max((load_id, seq)) AS written, true AS on_record
FROM sim_rows
GROUP BY msisdn;
