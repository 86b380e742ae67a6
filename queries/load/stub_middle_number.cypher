// MiddleNumber nodes known only as the end of a link: key only; on_record stays unset.
UNWIND $keys AS key
MERGE (n:MiddleNumber {middle_number: key})
RETURN collect([key, elementId(n)]) AS ids
