-- (Person)-[:HOLDS_SIM]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads holds_sim_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE holds_sim AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       max(ord) AS written
FROM holds_sim_rows
GROUP BY start_key, end_key;
