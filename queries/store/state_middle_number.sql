-- MiddleNumber nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads middle_number_rows: middle_number, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE middle_number AS
SELECT middle_number,
       max(load_id) AS load_id,
       max(ord) AS written
FROM middle_number_rows
GROUP BY middle_number;
