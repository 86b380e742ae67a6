-- (Report)-[:REPORTS_SIM]->(Sim) relationships the loads read, folded as the loaders' MERGEs fold them. Generated.
-- Reads reports_sim_rows: start_key, end_key, the properties, load_id, ord.
CREATE OR REPLACE TEMP TABLE reports_sim AS
SELECT start_key, end_key,
       max(load_id) AS load_id,
       max(ord) AS written
FROM reports_sim_rows
GROUP BY start_key, end_key;
