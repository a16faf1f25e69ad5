-- Acceptance timeliness 及时受理率 (SPEC §4). Records whose accept_deadline
-- (received_date + accept_days, calendar or working days) falls in the period and is on or
-- before as_of: accept_due; accepted (as of as_of) on or before the deadline:
-- accepted_on_time; acceptance_rate = accepted_on_time / accept_due. Only records whose
-- source maps accepted_at; NULL in every row when no source does.
CREATE OR REPLACE TABLE mart.acceptance AS
WITH
by_month AS (
    SELECT unit_id, CAST(date_trunc('month', accept_deadline) AS DATE) AS month_start,
           count(*) AS accept_due,
           count(*) FILTER (WHERE accepted_date <= accept_deadline) AS accepted_on_time
    FROM mart.record_deadlines
    WHERE t_accepted_at AND accept_deadline <= getvariable('as_of')
    GROUP BY ALL
),
agg AS (
    SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
           sum(x.accept_due) AS accept_due, sum(x.accepted_on_time) AS accepted_on_time
    FROM by_month x
    JOIN mart.period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
)
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
       CASE WHEN t.accepted_at THEN CAST(coalesce(a.accept_due, 0) AS BIGINT) END AS accept_due,
       CASE WHEN t.accepted_at THEN CAST(coalesce(a.accepted_on_time, 0) AS BIGINT) END AS accepted_on_time,
       CASE WHEN t.accepted_at AND a.accept_due > 0
            THEN CAST(a.accepted_on_time AS DOUBLE) / CAST(a.accept_due AS DOUBLE) END AS acceptance_rate
FROM mart.row_keys k
CROSS JOIN mart.tracked_row t
LEFT JOIN agg a USING (unit_id, rollup, period_type, period)
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;
