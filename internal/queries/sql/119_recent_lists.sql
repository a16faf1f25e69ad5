-- Inspectors' lists on unit pages over the last 12 months: dates after as_of − 12 months
-- (calendar months; as_of itself included). petitioner_id is the keyed pseudonym.
-- mart.recent_repeaters: per unit and petitioner, the repeat records received in the window
--   (is_repeat) and the latest of their received dates.
-- mart.recent_not_ceased: closures in the window the petitioner came back on (not_ceased).
CREATE OR REPLACE TABLE mart.recent_repeaters AS
SELECT unit_id, petitioner_id, count(*) AS repeats, max(received_date) AS last_received
FROM mart.records
WHERE is_repeat AND petitioner_id IS NOT NULL
  AND received_date > getvariable('as_of') - INTERVAL 12 MONTH
GROUP BY unit_id, petitioner_id
ORDER BY unit_id, repeats DESC, last_received DESC, petitioner_id;

CREATE OR REPLACE TABLE mart.recent_not_ceased AS
SELECT unit_id, source, petition_id, petitioner_id, received_date, closed_date
FROM mart.records
WHERE not_ceased AND closed_date > getvariable('as_of') - INTERVAL 12 MONTH
ORDER BY unit_id, closed_date DESC, petition_id;
