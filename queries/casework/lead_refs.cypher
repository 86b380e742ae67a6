// The entities lead references `RUN#RANK` name, one run at a time; a run not in the database comes
// back with known = false and no entity.
// Parameters: $runs, a list of {run, ranks: [..]}.
UNWIND $runs AS x
OPTIONAL MATCH (run:Run {run_id: x.run})
OPTIONAL MATCH (n)-[f:FLAGGED_IN]->(run) WHERE f.rank IN x.ranks
RETURN x.run AS run, run IS NOT NULL AS known, f.rank AS rank,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id
