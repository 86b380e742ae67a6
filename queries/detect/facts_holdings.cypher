// Which enterprise holds each middle number's bindings, and since when (its earliest binding for it).
// Parameters: none (read whole).
// One row per middle number and enterprise.
MATCH (m:MiddleNumber)-[h:HELD_BY]->(e:Enterprise)
RETURN m.middle_number AS middle_number, e.enterprise_id AS enterprise_id, h.first_bound.epochSeconds AS first_bound
