-- Exception lists as of the as-of date (SPEC §4 timeliness, for inspectors). Only records
-- whose source maps closed_at: without it "open" cannot be told from "closed".
-- petitioner_id is the keyed pseudonym stored at ingest, never a raw identifier. The three
-- lists are cut from one narrow copy of the open records (open = not closed by as_of),
-- read once from the record copy (mart.record_rows, deadlines included).
CREATE OR REPLACE TEMP TABLE ol_open AS
SELECT r.unit_id::VARCHAR AS unit_id, r.known_unit, r.source::VARCHAR AS source, r.petition_id,
       r.received_date, r.handle_deadline, r.listed_supervision,
       r.leader_owner::VARCHAR AS leader_owner, r.petitioner_id
FROM mart.record_rows r
JOIN mart.source_tracked s USING (source_no)
WHERE s.t_closed_at AND r.closed_date IS NULL;

-- Open records past their handling deadline: deadline < as_of, not closed by as_of.
-- days_overdue = as_of − handle_deadline in calendar days (also under day_basis working).
CREATE OR REPLACE TABLE mart.open_overdue AS
SELECT unit_id, known_unit, source, petition_id, received_date, handle_deadline,
       CAST(getvariable('as_of') - handle_deadline AS INTEGER) AS days_overdue,
       listed_supervision, leader_owner, petitioner_id
FROM ol_open
WHERE handle_deadline < getvariable('as_of')
ORDER BY days_overdue DESC, unit_id, source, petition_id;

-- Open records due within due_soon_days: as_of <= handle_deadline <= as_of + due_soon_days.
-- days_left = handle_deadline − as_of in calendar days (0 = due today).
CREATE OR REPLACE TABLE mart.due_soon AS
SELECT unit_id, known_unit, source, petition_id, received_date, handle_deadline,
       CAST(handle_deadline - getvariable('as_of') AS INTEGER) AS days_left,
       listed_supervision, leader_owner, petitioner_id
FROM ol_open
WHERE handle_deadline BETWEEN getvariable('as_of') AND getvariable('as_of') + getvariable('due_soon_days')
ORDER BY days_left, unit_id, source, petition_id;

-- Open listed-supervision (挂牌督办) and leader-owned (领导包案) matters, whatever their
-- deadline (SPEC §1: the inspectors' exception lists), in deadline order.
CREATE OR REPLACE TABLE mart.open_supervised AS
SELECT unit_id, known_unit, source, petition_id, received_date, handle_deadline,
       listed_supervision, leader_owner, petitioner_id
FROM ol_open
WHERE listed_supervision OR leader_owner IS NOT NULL
ORDER BY handle_deadline, petition_id, source;

DROP TABLE IF EXISTS ol_open;
