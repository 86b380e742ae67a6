// What each SMS port sent to each number (texts, and voice where a source says so, summed over kinds):
// how many, the first and the last. A blast texts many strangers once; a notice sender its customers often.
// Parameters: none (read whole).
// One row per port and recipient.
MATCH (p:Port)-[t:SENT_TO]->(s:Sim)
RETURN p.port_code AS port_code, s.msisdn AS callee, sum(t.count) AS count,
       min(t.first_ts).epochSeconds AS first_ts, max(t.last_ts).epochSeconds AS last_ts
