-- Every Port node the loads read: described, or named only at an end of a link. Generated.
-- Reads port_rows and the rows of the links whose ends may be stubs: SENT_TO (start), REPORTS_PORT (end).
CREATE OR REPLACE TEMP TABLE port_nodes AS
SELECT port_code FROM port_rows
UNION
SELECT start_key FROM sent_to_rows
UNION
SELECT end_key FROM reports_port_rows;
