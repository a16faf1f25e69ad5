-- Exception lists as of the as-of date (SPEC §4 timeliness, for inspectors). Only records
-- whose source maps closed_at: without it "open" cannot be told from "closed".
-- petitioner_id is the keyed pseudonym stored at ingest, never a raw identifier.

-- Open records past their handling deadline: deadline < as_of, not closed by as_of.
-- days_overdue = as_of − handle_deadline in calendar days (also under day_basis working).
CREATE OR REPLACE TABLE mart.open_overdue AS
SELECT unit_id, known_unit, source, petition_id, received_date, handle_deadline,
       CAST(getvariable('as_of') - handle_deadline AS INTEGER) AS days_overdue,
       listed_supervision, leader_owner, petitioner_id
FROM mart.record_deadlines
WHERE t_closed_at AND closed_date IS NULL AND handle_deadline < getvariable('as_of')
ORDER BY days_overdue DESC, unit_id, source, petition_id;

-- Open records due within due_soon_days: as_of <= handle_deadline <= as_of + due_soon_days.
-- days_left = handle_deadline − as_of in calendar days (0 = due today).
CREATE OR REPLACE TABLE mart.due_soon AS
SELECT unit_id, known_unit, source, petition_id, received_date, handle_deadline,
       CAST(handle_deadline - getvariable('as_of') AS INTEGER) AS days_left,
       listed_supervision, leader_owner, petitioner_id
FROM mart.record_deadlines
WHERE t_closed_at AND closed_date IS NULL
  AND handle_deadline BETWEEN getvariable('as_of') AND getvariable('as_of') + getvariable('due_soon_days')
ORDER BY days_left, unit_id, source, petition_id;
