-- Exception lists as of the as-of date (SPEC §4 timeliness, for inspectors). Only records
-- whose source maps closed_at: without it "open" cannot be told from "closed".
-- petitioner_id is the keyed pseudonym stored at ingest, never a raw identifier.

-- Open records past their handling deadline: deadline < as_of, not closed by as_of.
-- days_overdue = as_of − handle_deadline in calendar days (also under day_basis working).
CREATE OR REPLACE TABLE mart.open_overdue AS
SELECT d.unit_id, r.known_unit, d.source, d.petition_id, d.received_date, d.handle_deadline,
       CAST(getvariable('as_of') - d.handle_deadline AS INTEGER) AS days_overdue,
       r.listed_supervision, r.leader_owner, r.petitioner_id
FROM mart.record_deadlines d
JOIN mart.records r ON r.source = d.source AND r.petition_id = d.petition_id
WHERE d.t_closed_at AND d.closed_date IS NULL AND d.handle_deadline < getvariable('as_of')
ORDER BY days_overdue DESC, unit_id, source, petition_id;

-- Open records due within due_soon_days: as_of <= handle_deadline <= as_of + due_soon_days.
-- days_left = handle_deadline − as_of in calendar days (0 = due today).
CREATE OR REPLACE TABLE mart.due_soon AS
SELECT d.unit_id, r.known_unit, d.source, d.petition_id, d.received_date, d.handle_deadline,
       CAST(d.handle_deadline - getvariable('as_of') AS INTEGER) AS days_left,
       r.listed_supervision, r.leader_owner, r.petitioner_id
FROM mart.record_deadlines d
JOIN mart.records r ON r.source = d.source AND r.petition_id = d.petition_id
WHERE d.t_closed_at AND d.closed_date IS NULL
  AND d.handle_deadline BETWEEN getvariable('as_of') AND getvariable('as_of') + getvariable('due_soon_days')
ORDER BY days_left, unit_id, source, petition_id;
