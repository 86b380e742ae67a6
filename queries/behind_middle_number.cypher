// Who is behind a middle number: the real numbers it was bound to (how long the longest binding lived) and their
// holders, the enterprise holding its bindings, that enterprise's legal person with their other enterprises, cards
// and accounts, and the victim reports naming it. Many short bindings to one card, held by a young enterprise with
// no platform business, is a suspicion to check, never a determination.
// Parameters: $middle_number (a mobile or 95/96/400 number).
MATCH (m:MiddleNumber {middle_number: $middle_number})
OPTIONAL MATCH (m)-[b:BINDS]->(real:Sim)
OPTIONAL MATCH (holder:Person)-[:HOLDS_SIM]->(real)
OPTIONAL MATCH (m)-[:HELD_BY]->(e:Enterprise)
OPTIONAL MATCH (legal:Person)-[:LEGAL_PERSON_OF]->(e)
RETURN m AS middle_number, real AS bound_to, b.first_bound AS first_bound, b.last_unbound AS last_unbound,
       b.longest_minutes AS longest_minutes, holder,
       COUNT { (m)-[:DIALS_AS]->(:Sim)-[:CALLED]-() } AS parties_called,
       COLLECT { MATCH (m)-[:DIALS_AS]->(:Sim)<-[:REPORTS_SIM]-(r:Report) RETURN r.report_id } AS reports,
       e AS enterprise, e.registered_at AS registered_at, legal AS legal_person,
       COLLECT { MATCH (legal)-[:LEGAL_PERSON_OF]->(o:Enterprise) WHERE o <> e RETURN o.enterprise_id }
         AS other_enterprises,
       COLLECT { MATCH (legal)-[:HOLDS_SIM]->(s:Sim) RETURN s.msisdn } AS legal_person_cards,
       COLLECT { MATCH (legal)-[:HOLDS_ACCOUNT]->(a:Account) RETURN a.account_id } AS legal_person_accounts
ORDER BY first_bound
