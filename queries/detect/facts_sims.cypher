// Facts per SIM card for scoring: holder, activation, outlet, MVNO flag,
// its outgoing voice calls (text messages count as contacts, never as calls) and how many numbers call it.
// Parameters: $sims (the numbers to read, each once; null: every number),
//             $from_key, $to_key (with $sims null, a page of them: keys from the first, up to but not the second;
//             null: unbounded. A graph too big for whole results is read so, duanka/queries.py: paged_frame).
// One row per SIM with a card record; when extracts disagree on the holder or outlet, the most recently loaded one counts.
// Absent is not zero: call_seconds is null when no voice call of the number has a duration (timed_calls: the voice
// calls that do), first_call null when none has a time, so no signal or reason reads an absent column as 0.
CALL () {  // every number, or the listed ones sought by key (a region: no scan)
  WITH $sims IS NULL AS every WHERE every
  MATCH (s:Sim)
  WHERE ($from_key IS NULL OR s.msisdn >= $from_key) AND ($to_key IS NULL OR s.msisdn < $to_key)
  RETURN s
  UNION ALL
  UNWIND $sims AS msisdn MATCH (s:Sim {msisdn: msisdn}) RETURN s
}
WITH s WHERE s.on_record
CALL (s) {
  OPTIONAL MATCH (p:Person)-[h:HOLDS_SIM]->(s)
  RETURN p.person_id AS holder ORDER BY h.load_id DESC LIMIT 1
}
CALL (s) {
  OPTIONAL MATCH (s)-[a:ACTIVATED_AT]->(o:Outlet)
  RETURN o.outlet_id AS outlet ORDER BY a.load_id DESC LIMIT 1
}
CALL (s) {
  OPTIONAL MATCH (s)-[c:CALLED]->(t:Sim)
  WITH t, c, coalesce(c.kind, 'voice') = 'voice' AS voice
  RETURN count(DISTINCT t) AS callees,
         sum(CASE WHEN voice THEN c.count END) AS calls,
         sum(CASE WHEN voice THEN c.total_duration_s END) AS call_seconds,
         count(CASE WHEN voice THEN c.total_duration_s END) AS timed_pairs,
         sum(CASE WHEN voice AND c.total_duration_s IS NOT NULL THEN c.count END) AS timed_calls,
         min(CASE WHEN voice THEN c.first_ts END).epochSeconds AS first_call
}
CALL (s) {
  OPTIONAL MATCH (o:Sim)-[:CALLED]->(s)
  RETURN count(DISTINCT o) AS callers_in
}
RETURN s.msisdn AS msisdn, holder, s.activated_at.epochSeconds AS activated,
       outlet, coalesce(s.is_virtual, false) AS virtual,
       callees, coalesce(calls, 0) AS calls,
       CASE WHEN timed_pairs > 0 THEN call_seconds END AS call_seconds, coalesce(timed_calls, 0) AS timed_calls,
       first_call, callers_in,
       EXISTS { (:Report)-[:REPORTS_SIM]->(s) } AS reported
