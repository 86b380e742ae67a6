// Everything that shares a device with a given number: the devices the number was
// seen in, every other card seen in them and every account used from them, with
// their holders and when. A SIM box shows up as one device with many holders.
// Parameters: $msisdn (11 digits).
MATCH (s:Sim {msisdn: $msisdn})-[:SEEN_IN]->(d:Device)
MATCH (d)<-[seen:SEEN_IN|USED_FROM]-(x)
WHERE x <> s
OPTIONAL MATCH (holder:Person)-[:HOLDS_SIM|HOLDS_ACCOUNT]->(x)
RETURN d AS device, d.device_kind AS device_kind, x AS shares_it,
       CASE WHEN x:Sim THEN 'sim' ELSE 'account' END AS kind, holder,
       seen.first_seen AS first_seen, seen.last_seen AS last_seen
ORDER BY device_kind, first_seen
