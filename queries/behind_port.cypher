// Who is behind an SMS port: the enterprise it is leased to and when that was registered, its legal person, the
// person's other enterprises with their ports and middle numbers, the cards and accounts the person holds; and the
// reseller that leased the port out, with every port it leased. A young enterprise whose legal person fronts
// others, behind a port victims report, is a suspicion to check, never a determination.
// Parameters: $port_code (106…).
MATCH (p:Port {port_code: $port_code})
OPTIONAL MATCH (p)-[:LEASED_BY]->(e:Enterprise)
OPTIONAL MATCH (legal:Person)-[:LEGAL_PERSON_OF]->(e)
OPTIONAL MATCH (p)-[:RESOLD_BY]->(agent:Enterprise)
RETURN p AS port, p.opened_at AS opened_at,
       COUNT { (p)-[:SENT_TO]->() } AS recipients,
       COUNT { (:Report)-[:REPORTS_PORT]->(p) } AS reports,
       e AS enterprise, e.registered_at AS registered_at, legal AS legal_person,
       COLLECT { MATCH (legal)-[:LEGAL_PERSON_OF]->(o:Enterprise) WHERE e IS NULL OR o <> e RETURN o.enterprise_id }
         AS other_enterprises,
       COLLECT { MATCH (legal)-[:LEGAL_PERSON_OF]->(:Enterprise)<-[:LEASED_BY]-(q:Port) WHERE q <> p
                 RETURN q.port_code } AS their_ports,
       COLLECT { MATCH (legal)-[:LEGAL_PERSON_OF]->(:Enterprise)<-[:HELD_BY]-(m:MiddleNumber)
                 RETURN DISTINCT m.middle_number } AS their_middle_numbers,
       COLLECT { MATCH (legal)-[:HOLDS_SIM]->(s:Sim) RETURN s.msisdn } AS legal_person_cards,
       COLLECT { MATCH (legal)-[:HOLDS_ACCOUNT]->(a:Account) RETURN a.account_id } AS legal_person_accounts,
       agent AS reseller,
       COLLECT { MATCH (agent)<-[:RESOLD_BY]-(q:Port) RETURN q.port_code } AS reseller_ports
