-- Report nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads report_rows: report_id, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE report AS
SELECT report_id,
       max(load_id) AS load_id,
       arg_max("reported_at", ord) FILTER (WHERE "reported_at" IS NOT NULL) AS "reported_at",
       arg_max("fraud_type", ord) FILTER (WHERE "fraud_type" IS NOT NULL) AS "fraud_type",
       arg_max("amount_lost", ord) FILTER (WHERE "amount_lost" IS NOT NULL) AS "amount_lost",
       arg_max("region_code", ord) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max(ord) AS written
FROM report_rows
GROUP BY report_id;
