-- The units of each veto-scope handler (the veto page ties a person to where they work):
-- per handler_id (as stored: keyed, never raw) and unit of their records, how many records
-- and the latest received date. Empty when no source maps handler_id. mart.veto keeps its
-- contract; this mart sits beside it.
CREATE OR REPLACE TABLE mart.veto_handler_units AS
SELECT handler_id, unit_id, bool_or(known_unit) AS known_unit,
    count(*)::BIGINT AS records, max(received_date) AS last_received
FROM mart.records
WHERE t_handler_id AND handler_id IS NOT NULL
GROUP BY handler_id, unit_id
ORDER BY handler_id, records DESC, unit_id;
