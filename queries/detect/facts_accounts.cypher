// Facts per account: holder, opening, bound number, and whether a victim report names it.
// Parameters: $accounts (the accounts to read; null: every account). One row per account with a record; when extracts disagree on the
// holder or the bound number, the most recently loaded one counts.
MATCH (a:Account) WHERE a.on_record AND ($accounts IS NULL OR a.account_id IN $accounts)
CALL (a) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_ACCOUNT]->(a)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
CALL (a) {
  OPTIONAL MATCH (a)-[b:BOUND_TO]->(s:Sim)
  RETURN s.msisdn AS bound_msisdn ORDER BY b.load_id DESC LIMIT 1
}
RETURN a.account_id AS account, holder, a.account_kind AS kind,
       a.opened_at.epochSeconds AS opened, bound_msisdn,
       EXISTS { (:Report)-[:REPORTS_ACCOUNT]->(a) } AS reported
