// Create (Report)-[:REPORTS_ACCOUNT]->(Account) on its first load; rows that may exist already go through load_reports_account.
UNWIND $rows AS row
WITH row[0] AS start_key, row[1] AS end_key
MATCH (a:Report {report_id: start_key})
MATCH (b:Account {account_id: end_key})
CREATE (a)-[r:REPORTS_ACCOUNT {load_id: $load_id}]->(b)
