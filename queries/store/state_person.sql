-- Person nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.
-- Reads person_rows: person_id, its properties, load_id, seq.
CREATE OR REPLACE TEMP TABLE person AS
SELECT person_id,
       max(load_id) AS load_id,
       arg_max("id_number", (load_id, seq)) FILTER (WHERE "id_number" IS NOT NULL) AS "id_number",
       arg_max("name", (load_id, seq)) FILTER (WHERE "name" IS NOT NULL) AS "name",
       arg_max("birth_date", (load_id, seq)) FILTER (WHERE "birth_date" IS NOT NULL) AS "birth_date",
       arg_max("region_code", (load_id, seq)) FILTER (WHERE "region_code" IS NOT NULL) AS "region_code",
       max((load_id, seq)) AS written
FROM person_rows
GROUP BY person_id;
