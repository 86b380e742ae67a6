-- Every Sim node the loads read: described, or named only at an end of a link. Generated.
-- Reads sim_rows and the rows of the links whose ends may be stubs: CALLED (start), BOUND_TO (end), CALLED (end), SENT_TO (end), BINDS (end), DIALS_AS (end), REPORTS_SIM (end).
CREATE OR REPLACE TEMP TABLE sim_nodes AS
SELECT msisdn FROM sim_rows
UNION
SELECT start_key FROM called_rows
UNION
SELECT end_key FROM bound_to_rows
UNION
SELECT end_key FROM called_rows
UNION
SELECT end_key FROM sent_to_rows
UNION
SELECT end_key FROM binds_rows
UNION
SELECT end_key FROM dials_as_rows
UNION
SELECT end_key FROM reports_sim_rows;
