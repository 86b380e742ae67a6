// Upsert (Report)-[:REPORTS_SIM]->(Sim); a repeated observation widens first/last seen instead of doubling.
UNWIND $rows AS row
MATCH (a:Report {report_id: row.start})
MATCH (b:Sim {msisdn: row.end})
MERGE (a)-[r:REPORTS_SIM]->(b)
SET r.load_id = $load_id
