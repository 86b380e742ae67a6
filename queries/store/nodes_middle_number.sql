-- Every MiddleNumber node the loads read: described, or named only at an end of a link. Generated.
-- Reads middle_number_rows and the rows of the links whose ends may be stubs: BINDS (start), HELD_BY (start), DIALS_AS (start).
CREATE OR REPLACE TEMP TABLE middle_number_nodes AS
SELECT middle_number FROM middle_number_rows
UNION
SELECT start_key FROM binds_rows
UNION
SELECT start_key FROM held_by_rows
UNION
SELECT start_key FROM dials_as_rows;
