// One cluster with its members and the links between them (holdings, sightings,
// bindings, transfers) and the victim reports naming any member. In Neo4j Browser
// the result draws as a graph; `duanka query cluster` prints it as a table.
// Parameters: $cluster_id (e.g. from latest_clusters).
MATCH (c:Cluster {cluster_id: $cluster_id})<-[m:MEMBER_OF]-(n)
OPTIONAL MATCH (n)-[link:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO|TRANSFER|REPORTS_SIM|REPORTS_ACCOUNT]-(other)
WHERE (other)-[:MEMBER_OF]->(c) OR other:Report
RETURN n AS member, m.role AS role, m.score AS score, link, other
ORDER BY score DESC
