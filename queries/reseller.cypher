// A reseller or service provider and every SMS port it leased out: to which enterprise, when that enterprise was
// registered and who its legal person is, how many numbers each port texted and how many victim reports name it.
// One reseller behind many young enterprises' ports that victims report is a suspicion, never a determination.
// Parameters: $enterprise_id (the reseller's).
MATCH (agent:Enterprise {enterprise_id: $enterprise_id})<-[:RESOLD_BY]-(p:Port)
OPTIONAL MATCH (p)-[:LEASED_BY]->(e:Enterprise)
OPTIONAL MATCH (legal:Person)-[:LEGAL_PERSON_OF]->(e)
RETURN agent AS reseller, p AS port, p.opened_at AS opened_at, e AS leased_to, e.registered_at AS registered_at,
       legal AS legal_person,
       COUNT { (p)-[:SENT_TO]->() } AS recipients,
       COUNT { (:Report)-[:REPORTS_PORT]->(p) } AS reports
ORDER BY reports DESC, opened_at
