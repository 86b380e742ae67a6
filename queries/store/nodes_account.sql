-- Every Account node the loads read: described, or named only at an end of a link. Generated.
-- Reads account_rows and the rows of the links whose ends may be stubs: TRANSFER (start), TRANSFER (end), REPORTS_ACCOUNT (end).
CREATE OR REPLACE TEMP TABLE account_nodes AS
SELECT account_id FROM account_rows
UNION
SELECT start_key FROM transfer_rows
UNION
SELECT end_key FROM transfer_rows
UNION
SELECT end_key FROM reports_account_rows;
