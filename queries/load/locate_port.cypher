// Port nodes by key, for relationship rows whose ends this load did not write itself.
UNWIND $keys AS key
MATCH (n:Port {port_code: key})
RETURN collect([key, elementId(n)]) AS ids
