// Entities the latest run no longer suspects lose the previous run's suspicion properties
// (their history stays on MEMBER_OF, Cluster and Run).
// Parameters: $run_id.
MATCH (n) WHERE n.suspicion_run IS NOT NULL AND n.suspicion_run <> $run_id
REMOVE n.suspicion_score, n.suspected_role, n.suspicion_run, n.suspicion_reasons
