// The entities an increment touched: those the loads since the previous detection run wrote, the ends
// of every relationship they wrote (a victim report's number or account, a call's caller and callee),
// and the entities investigators decided on since. An incremental run re-scores their components.
// Parameters: $loaded_from (load ids sort by time: every load id at or after it is new),
//             $decided_from (ISO time: decisions at or after it are new).
// Returns entity keys (type:id). One arm per loaded label and relationship type (generated from the
// schema), each a seek of its load_id index: milliseconds, where one untyped scan took seconds.
CALL () {
  MATCH (n:Person) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Sim) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Account) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Device) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Outlet) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Enterprise) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Port) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:MiddleNumber) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (n:Report) WHERE n.load_id >= $loaded_from RETURN n
  UNION
  MATCH (a)-[r:HOLDS_SIM]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:HOLDS_ACCOUNT]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:ACTIVATED_AT]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:OPENED_AT]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:BOUND_TO]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:SEEN_IN]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:USED_FROM]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:TRANSFER]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:CALLED]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:LEGAL_PERSON_OF]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:LEASED_BY]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:RESOLD_BY]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:SENT_TO]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:BINDS]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:HELD_BY]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:DIALS_AS]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:REPORTS_SIM]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:REPORTS_PORT]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (a)-[r:REPORTS_ACCOUNT]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n
  UNION
  MATCH (d:Decision)-[:ABOUT]->(n) WHERE d.at >= datetime($decided_from)
  RETURN n
}
// A middle number's own number (DIALS_AS) stands for the middle number too: its calls and reports are its.
CALL (n) {
  RETURN n AS m
  UNION
  MATCH (n)<-[:DIALS_AS]-(m:MiddleNumber) RETURN m
}
WITH DISTINCT m AS n
WHERE n:Person OR n:Sim OR n:Account OR n:Device OR n:Enterprise OR n:Port OR n:MiddleNumber
RETURN CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END
         + ':' + coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number) AS key
