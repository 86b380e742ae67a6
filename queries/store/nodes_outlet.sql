-- Every Outlet node the loads read: described, or named only at an end of a link. Generated.
-- Reads outlet_rows and the rows of the links whose ends may be stubs: ACTIVATED_AT (end), OPENED_AT (end).
CREATE OR REPLACE TEMP TABLE outlet_nodes AS
SELECT outlet_id FROM outlet_rows
UNION
SELECT end_key FROM activated_at_rows
UNION
SELECT end_key FROM opened_at_rows;
