-- Facts per SMS port, from the analysis store: the rows and columns of detect/facts_ports.cypher (the
-- enterprise it is leased to, the reseller that leased it out, when it opened). One row per port node, stubs
-- named only by a text or a report included; where loads disagree on the lessee or the reseller, the one
-- written last counts. Times are epoch seconds.
-- Reads the state tables (queries/store/state_*.sql) and every port (nodes_port.sql). Parameters: none.
WITH lessees AS (
  SELECT start_key AS port_code, arg_max(end_key, written) AS enterprise_id FROM leased_by GROUP BY start_key
), agents AS (
  SELECT start_key AS port_code, arg_max(end_key, written) AS agent_id FROM resold_by GROUP BY start_key
)
SELECT n.port_code, l.enterprise_id, a.agent_id, CAST(floor(epoch(p.opened_at)) AS BIGINT) AS opened_at
FROM port_nodes n
LEFT JOIN port p USING (port_code)
LEFT JOIN lessees l USING (port_code)
LEFT JOIN agents a USING (port_code)
