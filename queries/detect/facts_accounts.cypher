// Facts per account: holder, opening, bound number, and the devices it was used from.
// Parameters: none. One row per account with a record.
MATCH (a:Account) WHERE a.on_record
OPTIONAL MATCH (p:Person)-[:HOLDS_ACCOUNT]->(a)
OPTIONAL MATCH (a)-[:BOUND_TO]->(s:Sim)
RETURN a.account_id AS account, p.person_id AS holder, a.account_kind AS kind,
       a.opened_at.epochSeconds AS opened, s.msisdn AS bound_msisdn,
       EXISTS { (:Report)-[:REPORTS_ACCOUNT]->(a) } AS reported
