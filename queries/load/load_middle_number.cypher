// Upsert MiddleNumber nodes from source records; a null keeps what the graph had.
UNWIND $rows AS row
WITH row[0] AS middle_number
MERGE (n:MiddleNumber {middle_number: middle_number})
ON CREATE SET n.load_id = $load_id
ON MATCH SET n.load_id = $load_id
RETURN collect([middle_number, elementId(n)]) AS ids
