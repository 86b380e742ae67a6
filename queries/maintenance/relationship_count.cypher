// How many relationships the graph holds (from the count store: instant). Readers use it to choose
// between taking rows in batches (fast, but the server holds a whole result in memory) and one by one.
// Parameters: none.
MATCH ()-[r]->() RETURN count(r) AS relationships
