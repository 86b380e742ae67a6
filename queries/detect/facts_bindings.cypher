// Each middle number's bindings to a real number: the earliest, and the longest binding's life in minutes.
// Parameters: none (read whole).
// One row per middle number and real number.
MATCH (m:MiddleNumber)-[b:BINDS]->(s:Sim)
RETURN m.middle_number AS middle_number, s.msisdn AS real_msisdn,
       b.first_bound.epochSeconds AS first_bound, b.longest_minutes AS longest_minutes
