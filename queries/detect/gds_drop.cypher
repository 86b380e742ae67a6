// Remove the projection from GDS's catalogue (no error if it is already gone).
// Parameters: $graph.
CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName
