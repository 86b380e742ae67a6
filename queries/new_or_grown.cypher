// Clusters of the latest detection run that are new, or grew, since the run before:
// matched across runs by shared members (a cluster's id changes when its members do).
// Parameters: none.
MATCH (r:Run {kind: 'detect', status: 'completed'})
WITH r ORDER BY r.finished_at DESC
WITH collect(r) AS runs
WITH runs[0] AS latest, runs[1] AS previous
MATCH (c:Cluster)-[f:FOUND_IN]->(latest)
MATCH (n)-[:MEMBER_OF]->(c)
WITH latest, previous, c, f, collect(n) AS members
OPTIONAL MATCH (p:Cluster)-[:FOUND_IN]->(previous)
WHERE EXISTS { MATCH (x)-[:MEMBER_OF]->(p) WHERE x IN members }
WITH c, f, members, p, size([(x)-[:MEMBER_OF]->(p) | x]) AS before
WITH c, f, size(members) AS now, max(before) AS before, count(p) > 0 AS seen_before,
     sum(CASE WHEN p.cluster_id = c.cluster_id THEN 1 ELSE 0 END) > 0 AS same
WHERE NOT same AND (NOT seen_before OR now > before)
RETURN f.rank AS rank, c.cluster_id AS cluster_id, f.score AS score,
       CASE WHEN seen_before THEN 'grew' ELSE 'new' END AS change, coalesce(before, 0) AS members_before,
       now AS members_now, c.top_reasons AS top_reasons
ORDER BY rank
