// Project the holdings-and-sightings graph into GDS's in-memory catalogue, undirected and
// weighted like the Python engines' projection (MODEL.edge_weights, duanka/detect/model.py); it projects
// holdings and sightings only, not the resources' relationships project_edges.cypher adds (untested: no GDS here).
// Parameters: $graph (catalogue name), $weights (map: relationship type → weight).
MATCH (a)-[r:HOLDS_SIM|HOLDS_ACCOUNT|SEEN_IN|USED_FROM|BOUND_TO]->(b)
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: coalesce($weights[type(r)], 1.0)}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
