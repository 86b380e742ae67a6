-- Person nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads person_rows: person_id, its properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE person AS
SELECT person_id,
       max(load_id) AS load_id,
       arg_max("id_number", ord) FILTER (WHERE "id_number" IS NOT NULL) AS "id_number",
       arg_max("name", ord) FILTER (WHERE "name" IS NOT NULL) AS "name",
       arg_max("birth_date", ord) FILTER (WHERE "birth_date" IS NOT NULL) AS "birth_date",
       arg_max("region_code", ord) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max(ord) AS written
FROM person_rows
GROUP BY person_id;
