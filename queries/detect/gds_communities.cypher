// Louvain or Leiden inside the database; one row per node with its community.
// Parameters: $graph, $algorithm ('louvain' | 'leiden'), $resolution (Leiden gamma), $seed.
CALL () {
  WITH 1 AS _ WHERE $algorithm = 'leiden'
  CALL gds.leiden.stream($graph, {relationshipWeightProperty: 'weight', gamma: $resolution, randomSeed: $seed,
                                  concurrency: 1})
  YIELD nodeId, communityId RETURN nodeId, communityId
  UNION
  WITH 1 AS _ WHERE $algorithm = 'louvain'
  CALL gds.louvain.stream($graph, {relationshipWeightProperty: 'weight', concurrency: 1})
  YIELD nodeId, communityId RETURN nodeId, communityId
}
WITH gds.util.asNode(nodeId) AS n, communityId
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END
         + ':' + coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS key, communityId AS community
