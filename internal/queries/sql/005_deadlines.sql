-- Deadlines (SPEC §4) for every record, in calendar days or working days: computed in
-- 000_base.sql into the one copy of the records (mart.record_rows) with the working-day
-- calendar mart.calendar built there; this file only names them.

-- One row per record of mart.records: the three deadlines plus the (narrow) record columns
-- the timeliness, acceptance, feedback and supervision queries need. forwarded =
-- source_type is transferred, assigned or supervised; leader_owned = leader_owner is not blank.
CREATE OR REPLACE VIEW mart.record_deadlines AS
SELECT r.source::VARCHAR AS source, r.petition_id, r.unit_id::VARCHAR AS unit_id,
       r.received_date, r.accepted_date, r.closed_date, r.feedback_date,
       r.source_type::VARCHAR IN ('transferred', 'assigned', 'supervised') AS forwarded,
       r.listed_supervision, r.leader_owner IS NOT NULL AS leader_owned,
       r.mass_incident, r.traced_fault,
       s.t_accepted_at, s.t_closed_at, s.t_feedback_at, s.t_source_type,
       s.t_listed_supervision, s.t_leader_owner, s.t_mass_incident, s.t_traced_fault,
       r.accept_deadline, r.handle_deadline, r.feedback_deadline
FROM mart.record_rows r
JOIN mart.source_tracked s USING (source_no);

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
