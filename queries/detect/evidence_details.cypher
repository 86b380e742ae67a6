// Which optional columns arrived at all, beside the relationship counts of load/present: 1 when any value
// is held, 0 when none is (absent is not zero: a run says it had no durations rather than scoring 0 s).
// Each EXISTS stops at its first hit; a column that never arrived costs one pass over its relationships.
RETURN CASE WHEN EXISTS { ()-[c:CALLED]->() WHERE c.total_duration_s IS NOT NULL } THEN 1 ELSE 0 END AS CALL_DURATIONS,
       CASE WHEN EXISTS { ()-[c:CALLED]->() WHERE c.first_ts IS NOT NULL } THEN 1 ELSE 0 END AS CALL_TIMES,
       CASE WHEN EXISTS { (s:Sim) WHERE s.activated_at IS NOT NULL } THEN 1 ELSE 0 END AS ACTIVATION_TIMES,
       CASE WHEN EXISTS { ()-[r:SEEN_IN]->() WHERE r.first_seen IS NOT NULL } THEN 1 ELSE 0 END AS SIGHTING_TIMES
