-- Data quality: unit_ids in the records (up to as_of) that are not in the unit table.
-- Their records count in ALL only (SPEC §2, §3).
CREATE OR REPLACE TABLE mart.unknown_units AS
SELECT unit_id,
    count(*)::BIGINT AS petitions,
    min(received_date) AS first_received,
    max(received_date) AS last_received,
    list_sort(list(DISTINCT source)) AS sources
FROM mart.records
WHERE NOT known_unit
GROUP BY unit_id
ORDER BY petitions DESC, unit_id;
