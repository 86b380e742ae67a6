-- Report nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads report_rows: report_id, its properties, load_id, seq.
CREATE OR REPLACE TEMP TABLE report AS
SELECT report_id,
       max(load_id) AS load_id,
       arg_max("reported_at", (load_id, seq)) FILTER (WHERE "reported_at" IS NOT NULL) AS "reported_at",
       arg_max("fraud_type", (load_id, seq)) FILTER (WHERE "fraud_type" IS NOT NULL) AS "fraud_type",
       arg_max("amount_lost", (load_id, seq)) FILTER (WHERE "amount_lost" IS NOT NULL) AS "amount_lost",
       arg_max("region_code", (load_id, seq)) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max((load_id, seq)) AS written
FROM report_rows
GROUP BY report_id;
