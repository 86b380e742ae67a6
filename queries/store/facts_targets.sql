-- Whom each number called, from the analysis store: the rows of detect/facts_targets.cypher, one row per
-- (caller, callee) of every number that called at least $min_callees distinct numbers (the call graph's shape).
-- Reads the state tables (queries/store/state_*.sql). Parameters: $min_callees.
WITH pairs AS (
  SELECT DISTINCT start_key AS caller, end_key AS callee FROM called
), busy AS (
  SELECT caller FROM pairs GROUP BY caller HAVING count(*) >= $min_callees
)
SELECT caller, callee FROM pairs WHERE caller IN (SELECT caller FROM busy)
