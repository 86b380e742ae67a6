// Where the database last saw an audit log's chain: its length, the MAC of that last entry, and when.
// Parameters: $log (the log's path).
MATCH (h:AuditHead {log: $log})
RETURN h.entries AS entries, h.head AS head, toString(h.at) AS at
