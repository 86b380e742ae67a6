// Each decided entity's latest investigator decision, fed back into detection:
// confirmed = a known positive, dismissed = a known negative (until its evidence changes).
// Parameters: none.
MATCH (d:Decision)-[:ABOUT]->(n)
WITH n, d ORDER BY d.at DESC
WITH n, collect(d)[0] AS d
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END
         + ':' + coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS entity,
       d.status AS status, d.score AS score_then, d.reported AS reported_then, d.by AS by, toString(d.at) AS at
