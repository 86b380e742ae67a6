// How many persons, cards, accounts and devices the graph holds: read from the count store, instant.
// Parameters: none.
CALL () {
  MATCH (n:Person) RETURN count(n) AS n
  UNION ALL
  MATCH (n:Sim) RETURN count(n) AS n
  UNION ALL
  MATCH (n:Account) RETURN count(n) AS n
  UNION ALL
  MATCH (n:Device) RETURN count(n) AS n
}
RETURN sum(n) AS entities
