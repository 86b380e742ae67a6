// The calls a middle number made itself (as the number the other party saw: DIALS_AS), per callee, summed over
// kinds: a platform's middle number is called by both sides of a ride, a ring's calls strangers.
// Parameters: none (read whole).
// One row per middle number and callee; total_duration_s null where no call of the pair had a duration.
MATCH (m:MiddleNumber)-[:DIALS_AS]->(:Sim)-[c:CALLED]->(t:Sim)
WITH m, t, sum(c.count) AS count, collect(c.total_duration_s) AS durations
RETURN m.middle_number AS middle_number, t.msisdn AS callee, count,
       CASE WHEN size(durations) > 0 THEN reduce(s = 0, d IN durations | s + d) END AS total_duration_s
