// Upsert (Report)-[:REPORTS_SIM]->(Sim); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Report {report_id: start_key})
MATCH (b:Sim {msisdn: end_key})
MERGE (a)-[r:REPORTS_SIM]->(b)
ON CREATE SET r.load_id = $load_id
ON MATCH SET r.load_id = $load_id
