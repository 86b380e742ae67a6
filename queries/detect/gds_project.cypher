// Project the holdings-and-sightings graph into GDS's in-memory catalogue, undirected and
// weighted like the Python engines' projection (duanka.detect.run.WEIGHTS).
// Parameters: $graph (catalogue name), $weights (map: relationship type → weight).
MATCH (a)-[r:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO]->(b)
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: coalesce($weights[type(r)], 1.0)}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
