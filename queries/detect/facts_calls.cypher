// Every call pair: who called whom, numbers only — no times, counts or durations, so the same features come
// from a bare directed call graph, a symmetric projection or a pseudonymised extract (ids are only keys).
// Feeds the graph features of the learned ranking (duanka/detect/graph_features.py). One row per pair.
MATCH (a:Sim)-[:CALLED]->(b:Sim)
RETURN DISTINCT a.msisdn AS caller, b.msisdn AS callee
