// Create (Report)-[:REPORTS_SIM]->(Sim) on its first load; rows that may exist already go through load_reports_sim.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Report {report_id: start_key})
MATCH (b:Sim {msisdn: end_key})
CREATE (a)-[r:REPORTS_SIM {load_id: $load_id}]->(b)
