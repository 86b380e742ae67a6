-- Account nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads account_rows: account_id, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE account AS
SELECT account_id,
       max(load_id) AS load_id,
       arg_max("account_kind", ord) FILTER (WHERE "account_kind" IS NOT NULL) AS "account_kind",
       arg_max("bank", ord) FILTER (WHERE "bank" IS NOT NULL) AS "bank",
       arg_max("opened_at", ord) FILTER (WHERE "opened_at" IS NOT NULL) AS "opened_at",
       arg_max("status", ord) FILTER (WHERE "status" IS NOT NULL) AS "status",
       max(ord) AS written, true AS on_record
FROM account_rows
GROUP BY account_id;
