// TRANSFER keys of an extract already in the graph, with the ends they join.
UNWIND $keys AS key
MATCH (a:Account)-[r:TRANSFER {transfer_id: key}]->(b:Account)
RETURN key, a.account_id AS start, b.account_id AS end
