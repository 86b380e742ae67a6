// Report nodes known only as the end of a link: key only; on_record stays unset.
UNWIND $keys AS key
MERGE (:Report {report_id: key})
