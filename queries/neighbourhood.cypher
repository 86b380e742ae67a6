// The two-hop neighbourhood of a number over the source relationships: its holder,
// the devices it was seen in, accounts bound to it, who it called, and one hop on.
// Parameters: $msisdn, $limit (e.g. 300).
MATCH path = (s:Sim {msisdn: $msisdn})-[:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO|CALLED|ACTIVATED_AT|REPORTS_SIM*1..2]-(x)
RETURN path, length(path) AS hops, labels(x)[0] AS reaches_label,
       coalesce(x.person_id, x.msisdn, x.account_id, x.device_id, x.outlet_id, x.enterprise_id, x.port_code, x.middle_number, x.report_id) AS reaches
ORDER BY hops
LIMIT $limit
