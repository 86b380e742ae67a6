// Clusters of the latest detection run that are new, grew, or split off since the run before. A
// cluster keeps its id while it keeps most of its members, so a ring that gained a card is the same
// cluster, grown; `lineage` lists what merged into it or what it split from (DERIVED_FROM).
// Parameters: none.
MATCH (r:Run {kind: 'detect', status: 'completed'})
WITH r ORDER BY r.finished_at DESC
WITH collect(r) AS runs
WITH runs[0] AS latest, runs[1] AS previous
MATCH (c:Cluster)-[f:FOUND_IN]->(latest)
OPTIONAL MATCH (c)-[before:FOUND_IN]->(previous)
WITH latest, c, f, before,
     COUNT { (n)-[m:MEMBER_OF]->(c) WHERE m.run_id = latest.run_id } AS now,
     [(c)-[d:DERIVED_FROM {run_id: latest.run_id}]->(p:Cluster) | d.kind + ' ' + p.cluster_id] AS lineage
WITH c, f, before, now, lineage, coalesce(before.members, now) AS members_before
WHERE before IS NULL OR now > members_before
RETURN f.rank AS rank, c.cluster_id AS cluster_id, f.score AS score,
       CASE WHEN before IS NOT NULL THEN 'grew'
            WHEN any(l IN lineage WHERE l STARTS WITH 'split') THEN 'split'
            ELSE 'new' END AS change,
       CASE WHEN before IS NULL THEN 0 ELSE members_before END AS members_before, now AS members_now,
       lineage, c.top_reasons AS top_reasons
ORDER BY rank
