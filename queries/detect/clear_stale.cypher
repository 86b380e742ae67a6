// Entities the latest run no longer suspects lose the previous run's suspicion
// properties and role labels (their history stays on FLAGGED_IN, MEMBER_OF, Cluster, Run).
// Parameters: $run_id, $role_labels.
CALL () {
  MATCH (n) WHERE n.suspicion_run IS NOT NULL AND n.suspicion_run <> $run_id
  REMOVE n.suspicion_score, n.suspected_role, n.suspicion_run, n.suspicion_reasons
}
MATCH (n:Suspect)
WHERE NOT EXISTS { (n)-[:FLAGGED_IN]->(:Run {run_id: $run_id}) }
REMOVE n:Suspect:$($role_labels)
