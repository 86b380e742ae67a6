// The cards and accounts on record that the community graph leaves out: no holder, no device, no bound
// number. Each is a component of its own; the distributed path gives them to a shard so none goes unscored.
// Parameters: none. Returns entity keys (type:id); few rows on any extract that names its holders.
MATCH (s:Sim) WHERE s.on_record AND NOT EXISTS { (s)-[:HOLDS_SIM|SEEN_IN|BOUND_TO]-() }
RETURN 'sim:' + s.msisdn AS key
UNION ALL
MATCH (a:Account) WHERE a.on_record AND NOT EXISTS { (a)-[:HOLDS_ACCOUNT|USED_FROM|BOUND_TO]-() }
RETURN 'account:' + a.account_id AS key
