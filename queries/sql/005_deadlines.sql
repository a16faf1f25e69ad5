-- Deadlines (SPEC §4) for every record, in calendar days or working days.
--
-- mart.calendar(d, is_working, workday_seq): one row per day over the data range plus a
-- margin; workday_seq is the running count of working days up to and including d, so a
-- non-working day shares the number of the last working day before it. "base + N days" in
-- working days is then the working day whose workday_seq = seq(base) + N: the N-th working
-- day after base (a non-working base makes the next working day day 1). One equi-join per
-- deadline, no per-row loops.
--
-- Working day: Monday–Friday not listed as a holiday, plus any weekend day listed as a
-- make-up working day (调休, kind 'workday') in the holiday file.

CREATE OR REPLACE TABLE mart.calendar AS
WITH bounds AS (
    SELECT least(min(received_date), min(accepted_date), getvariable('as_of')) - 10 AS lo,
           greatest(max(received_date), max(accepted_date), getvariable('as_of'))
             -- the longest "+ N" in working days, doubled for weekends and holidays, plus 2 years
             + (2 * greatest(getvariable('accept_days'),
                             getvariable('handle_days') + getvariable('max_extension_days'),
                             getvariable('feedback_days')) + 731) AS hi
    FROM mart.records
),
days AS (
    SELECT CAST(g.d AS DATE) AS d
    FROM bounds, generate_series(CAST(bounds.lo AS TIMESTAMP), CAST(bounds.hi AS TIMESTAMP), INTERVAL 1 DAY) AS g(d)
),
marks AS (
    SELECT d,
           bool_or(kind = 'holiday') AS is_holiday,
           bool_or(kind = 'workday') AS is_makeup
    FROM mart.cfg_calendar
    GROUP BY d
),
flagged AS (
    SELECT days.d,
           -- a weekday listed as both holiday and workday is a holiday; a weekend day
           -- listed as both works (METRICS.md, Working days)
           CASE WHEN isodow(days.d) <= 5 THEN NOT coalesce(m.is_holiday, false)
                ELSE coalesce(m.is_makeup, false) END AS is_working
    FROM days LEFT JOIN marks m ON m.d = days.d
)
SELECT d, is_working,
       CAST(sum(CASE WHEN is_working THEN 1 ELSE 0 END) OVER (ORDER BY d ROWS UNBOUNDED PRECEDING) AS INTEGER) AS workday_seq
FROM flagged
ORDER BY d;

-- One row per record of mart.records: the three deadlines plus the (narrow) record columns
-- the timeliness, acceptance, feedback and supervision queries need, so that those need no
-- join back to mart.records on the text key. forwarded = source_type is transferred,
-- assigned or supervised; leader_owned = leader_owner is not blank.
CREATE OR REPLACE TABLE mart.record_deadlines AS
WITH working AS (
    SELECT workday_seq, d FROM mart.calendar WHERE is_working
),
r AS (
    SELECT source, petition_id, unit_id, received_date, accepted_date, closed_date,
           feedback_date, listed_supervision, mass_incident, traced_fault, due_at, feedback_due,
           source_type IN ('transferred', 'assigned', 'supervised') AS forwarded,
           leader_owner IS NOT NULL AS leader_owned,
           t_accepted_at, t_closed_at, t_feedback_at, t_source_type,
           t_listed_supervision, t_leader_owner, t_mass_incident, t_traced_fault,
           -- base of the computed handling deadline: acceptance (as of as_of) if any
           coalesce(accepted_date, received_date) AS handle_base,
           getvariable('handle_days')
             + least(coalesce(extension_days, 0), getvariable('max_extension_days')) AS handle_n
    FROM mart.records
)
SELECT r.source, r.petition_id, r.unit_id, r.received_date, r.accepted_date,
       r.closed_date, r.feedback_date, r.forwarded, r.listed_supervision, r.leader_owned,
       r.mass_incident, r.traced_fault,
       r.t_accepted_at, r.t_closed_at, r.t_feedback_at, r.t_source_type,
       r.t_listed_supervision, r.t_leader_owner, r.t_mass_incident, r.t_traced_fault,
       -- "+ 0 working days" is the base date itself
       CASE WHEN getvariable('day_basis') <> 'working' OR getvariable('accept_days') = 0
            THEN r.received_date + getvariable('accept_days') ELSE wa.d END AS accept_deadline,
       -- a deadline given by the source wins and gets no extension
       coalesce(r.due_at,
                CASE WHEN getvariable('day_basis') <> 'working' OR r.handle_n = 0
                     THEN r.handle_base + r.handle_n ELSE wh.d END) AS handle_deadline,
       coalesce(r.feedback_due,
                CASE WHEN getvariable('day_basis') <> 'working' OR getvariable('feedback_days') = 0
                     THEN r.received_date + getvariable('feedback_days') ELSE wf.d END) AS feedback_deadline
FROM r
LEFT JOIN mart.calendar cr ON getvariable('day_basis') = 'working' AND cr.d = r.received_date
LEFT JOIN mart.calendar cb ON getvariable('day_basis') = 'working' AND cb.d = r.handle_base
LEFT JOIN working wa ON wa.workday_seq = cr.workday_seq + getvariable('accept_days')
LEFT JOIN working wh ON wh.workday_seq = cb.workday_seq + r.handle_n
LEFT JOIN working wf ON wf.workday_seq = cr.workday_seq + getvariable('feedback_days');

-- Every month inside every period of mart.periods, mapped to that period. Unlike
-- mart.period_months (which starts at the data's first month) it also covers the months of
-- the first quarter and year before that month: a deadline (a source's due_at /
-- feedback_due) or a closure dated before the first received month still "falls in" the
-- first quarter and year, whose rows exist. Later months of the as-of quarter/year are
-- covered too but never hit (deadlines and closures counted are ≤ as_of).
CREATE OR REPLACE TABLE mart.deadline_period_months AS
SELECT CAST(m AS DATE) AS month_start, p.period_type, p.period
FROM mart.periods p,
     unnest(generate_series(CAST(p.period_start AS TIMESTAMP), CAST(p.period_end AS TIMESTAMP), INTERVAL 1 MONTH)) AS g(m);
