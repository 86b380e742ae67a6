// The entities an increment touched: those the loads since the previous detection run wrote, the ends
// of every relationship they wrote (a victim report's number or account, a call's caller and callee),
// and the entities investigators decided on since. An incremental run re-scores their components.
// Parameters: $loaded_from (load ids sort by time: every load id at or after it is new),
//             $decided_from (ISO time: decisions at or after it are new).
// Returns entity keys (type:id); unindexed load ids make this a scan of the graph (3 s at 100k persons).
CALL () {
  MATCH (n) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (a)-[r]->(b) WHERE r.load_id >= $loaded_from
  UNWIND [a, b] AS n
  RETURN n
  UNION
  MATCH (d:Decision)-[:ABOUT]->(n) WHERE d.at >= datetime($decided_from)
  RETURN n
}
WITH n WHERE n:Person OR n:Sim OR n:Account OR n:Device
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' END
         + ':' + coalesce(n.person_id, n.msisdn, n.account_id, n.device_id) AS key
