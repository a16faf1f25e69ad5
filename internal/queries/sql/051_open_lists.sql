-- Exception lists as of the as-of date (SPEC §4 timeliness, for inspectors). Only records
-- whose source maps closed_at: without it "open" cannot be told from "closed".
-- petitioner_id is the keyed pseudonym stored at ingest, never a raw identifier. Both lists
-- read the one record copy (mart.record_rows, deadlines included) instead of joining
-- mart.record_deadlines to mart.records on the text key.

-- Open records past their handling deadline: deadline < as_of, not closed by as_of.
-- days_overdue = as_of − handle_deadline in calendar days (also under day_basis working).
CREATE OR REPLACE TABLE mart.open_overdue AS
SELECT r.unit_id, r.known_unit, r.source, r.petition_id, r.received_date, r.handle_deadline,
       CAST(getvariable('as_of') - r.handle_deadline AS INTEGER) AS days_overdue,
       r.listed_supervision, r.leader_owner, r.petitioner_id
FROM mart.record_rows r
JOIN mart.source_tracked s USING (source_no)
WHERE s.t_closed_at AND r.closed_date IS NULL AND r.handle_deadline < getvariable('as_of')
ORDER BY days_overdue DESC, unit_id, source, petition_id;

-- Open records due within due_soon_days: as_of <= handle_deadline <= as_of + due_soon_days.
-- days_left = handle_deadline − as_of in calendar days (0 = due today).
CREATE OR REPLACE TABLE mart.due_soon AS
SELECT r.unit_id, r.known_unit, r.source, r.petition_id, r.received_date, r.handle_deadline,
       CAST(r.handle_deadline - getvariable('as_of') AS INTEGER) AS days_left,
       r.listed_supervision, r.leader_owner, r.petitioner_id
FROM mart.record_rows r
JOIN mart.source_tracked s USING (source_no)
WHERE s.t_closed_at AND r.closed_date IS NULL
  AND r.handle_deadline BETWEEN getvariable('as_of') AND getvariable('as_of') + getvariable('due_soon_days')
ORDER BY days_left, unit_id, source, petition_id;
