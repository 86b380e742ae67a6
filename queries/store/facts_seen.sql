-- Every sighting of a card in a device, from the analysis store: the rows and columns of
-- detect/facts_seen.cypher (its window, the device's kind, the card's holder written last, its activation).
-- Reads the state tables (queries/store/state_*.sql). Parameters: $devices (the devices to read; null: all).
WITH holders AS (
  SELECT end_key AS msisdn, arg_max(start_key, written) AS holder FROM holds_sim GROUP BY end_key
)
SELECT r.start_key AS msisdn, r.end_key AS device, h.holder, d.device_kind,
       CAST(floor(epoch(r.first_seen)) AS BIGINT) AS first_seen, CAST(floor(epoch(r.last_seen)) AS BIGINT) AS last_seen,
       CAST(floor(epoch(s.activated_at)) AS BIGINT) AS activated
FROM seen_in r
LEFT JOIN holders h ON h.msisdn = r.start_key
LEFT JOIN device d ON d.device_id = r.end_key
LEFT JOIN sim s ON s.msisdn = r.start_key
WHERE $devices IS NULL OR r.end_key IN (SELECT unnest($devices))
