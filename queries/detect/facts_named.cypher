// The SMS ports and middle numbers victim reports name (a report names the number the victim saw).
// Parameters: none (read whole).
// One row per port code or middle number named.
MATCH (:Report)-[:REPORTS_PORT]->(p:Port)
RETURN DISTINCT p.port_code AS number
UNION
MATCH (:Report)-[:REPORTS_SIM]->(:Sim)<-[:DIALS_AS]-(m:MiddleNumber)
RETURN DISTINCT m.middle_number AS number
