-- (Person)-[:HOLDS_SIM]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads holds_sim_rows: start_key, end_key, the properties, load_id, seq.
CREATE OR REPLACE TEMP TABLE holds_sim AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       max((load_id, seq)) AS written
FROM holds_sim_rows
GROUP BY start_key, end_key;
