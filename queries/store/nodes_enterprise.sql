-- Every Enterprise node the loads read: described, or named only at an end of a link. Generated.
-- Reads enterprise_rows and the rows of the links whose ends may be stubs: LEASED_BY (end), RESOLD_BY (end), HELD_BY (end).
CREATE OR REPLACE TEMP TABLE enterprise_nodes AS
SELECT enterprise_id FROM enterprise_rows
UNION
SELECT end_key FROM leased_by_rows
UNION
SELECT end_key FROM resold_by_rows
UNION
SELECT end_key FROM held_by_rows;
