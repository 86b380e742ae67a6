// Facts per account: holder, opening, bound number, and whether a victim report names it.
// Parameters: $accounts (the accounts to read, each once; null: every account),
//             $from_key, $to_key (with $accounts null, a page of them: keys from the first, up to but not the second;
//             null: unbounded. A graph too big for whole results is read so, duanka/queries.py: paged_frame).
// One row per account with a record; when extracts disagree on the holder or the bound number, the most recently
// loaded one counts.
CALL () {  // every account, or the listed ones sought by key (a region: no scan)
  WITH $accounts IS NULL AS every WHERE every
  MATCH (a:Account)
  WHERE a.on_record AND ($from_key IS NULL OR a.account_id >= $from_key) AND ($to_key IS NULL OR a.account_id < $to_key)
  RETURN a
  UNION ALL
  UNWIND $accounts AS id MATCH (a:Account {account_id: id}) WHERE a.on_record RETURN a
}
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
