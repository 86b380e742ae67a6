// Whether the Graph Data Science plugin is installed on this server.
// Parameters: none.
SHOW PROCEDURES YIELD name WHERE name = 'gds.louvain.stream' RETURN count(*) > 0 AS available
