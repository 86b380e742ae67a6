-- Sim nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads sim_rows: msisdn, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE sim AS
SELECT msisdn,
       max(load_id) AS load_id,
       arg_max("carrier", ord) FILTER (WHERE "carrier" IS NOT NULL) AS "carrier",
       arg_max("is_virtual", ord) FILTER (WHERE "is_virtual" IS NOT NULL) AS "is_virtual",
       arg_max("iccid", ord) FILTER (WHERE "iccid" IS NOT NULL) AS "iccid",
       arg_max("imsi", ord) FILTER (WHERE "imsi" IS NOT NULL) AS "imsi",
       arg_max("activated_at", ord) FILTER (WHERE "activated_at" IS NOT NULL) AS "activated_at",
       arg_max("status", ord) FILTER (WHERE "status" IS NOT NULL) AS "status",
       max(ord) AS written, true AS on_record
FROM sim_rows
GROUP BY msisdn;
