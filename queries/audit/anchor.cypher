// Move an audit log's anchor to its latest entry: never back, so a writer that lost a race cannot undo a
// newer append. The time is the server's, not the appender's.
// Parameters: $log (the log's path), $entries (its length), $head (the MAC of its last entry).
MERGE (h:AuditHead {log: $log})
WITH h
WHERE coalesce(h.entries, 0) < $entries
SET h.entries = $entries, h.head = $head, h.at = datetime()
RETURN h.entries AS entries
