// Projection for community detection: who holds what, which card ran in which device,
// which account was used from which device, which number an account is bound to.
// Outlets, calls and transfers are left out of the community graph on purpose
// (busy outlets and victims would glue unrelated people together); they are signals.
// Parameters: none. Streamed; one row per relationship.
MATCH (a)-[r:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO]->(b)
RETURN coalesce(a.person_id, a.msisdn, a.account_id, a.device_id) AS a,
       CASE WHEN a:Person THEN 'person' WHEN a:Sim THEN 'sim' WHEN a:Account THEN 'account' WHEN a:Device THEN 'device' END AS a_type,
       coalesce(b.msisdn, b.account_id, b.device_id) AS b,
       CASE WHEN b:Sim THEN 'sim' WHEN b:Account THEN 'account' ELSE 'device' END AS b_type,
       type(r) AS rel
