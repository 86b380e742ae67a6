// Decisions recorded since a time, including those made from Neo4j Browser and those brought from
// outcomes files (batch: the `duanka decide --file` run that recorded them).
// Parameters: $since (ISO date or datetime).
MATCH (d:Decision)-[:ABOUT]->(n)
WHERE coalesce(d.recorded_at, d.at) >= datetime($since)  // an outcomes file's decisions: when recorded
RETURN toString(d.at) AS at, d.decision_id AS decision_id, d.status AS status, d.by AS by, d.note AS note, d.batch AS batch,
       CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END AS entity_type,
       coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity_id
ORDER BY at
