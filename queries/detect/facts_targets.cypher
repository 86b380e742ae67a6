// Whom each number called: one row per (caller, callee) of every number that called at least
// $min_callees distinct numbers (detection reads them all: the call graph's shape). A ring's cards work
// one bought list of targets (料), so they share callees; a courier's customers are their own. Feeds the
// shared-targets signal (co_callers, busy callers only) and the call graph's shape (duanka/detect/shape.py).
// Read whole in every run, incremental ones too: a new call changes what every caller of its callee shares.
// Parameters: min_callees (the smallest callee count worth reading).
MATCH (s:Sim) WHERE COUNT { (s)-[:CALLED]->() } >= $min_callees
MATCH (s)-[:CALLED]->(t:Sim)
WITH s, collect(DISTINCT t.msisdn) AS callees
WHERE size(callees) >= $min_callees
UNWIND callees AS callee
RETURN s.msisdn AS caller, callee
