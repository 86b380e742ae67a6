-- Every Device node the loads read: described, or named only at an end of a link. Generated.
-- Reads device_rows and the rows of the links whose ends may be stubs: SEEN_IN (end), USED_FROM (end).
CREATE OR REPLACE TEMP TABLE device_nodes AS
SELECT device_id FROM device_rows
UNION
SELECT end_key FROM seen_in_rows
UNION
SELECT end_key FROM used_from_rows;
