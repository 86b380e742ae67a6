// MiddleNumber nodes by key, for relationship rows whose ends this load did not write itself.
UNWIND $keys AS key
MATCH (n:MiddleNumber {middle_number: key})
RETURN collect([key, elementId(n)]) AS ids
