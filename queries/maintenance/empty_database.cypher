// Delete every node and relationship, in batches so a large graph does not need one huge transaction.
// Tests and benchmarks run it on databases they own; never point it at one you care about.
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
