-- Feedback to higher levels 转交督办按期反馈率 (SPEC §4). Records with source_type
-- transferred, assigned or supervised whose feedback_deadline (feedback_due when given, else
-- received_date + feedback_days) falls in the period and is on or before as_of:
-- feedback_due; feedback sent (as of as_of) on or before the deadline: feedback_on_time;
-- feedback_rate = feedback_on_time / feedback_due. Needs source_type and feedback_at: only
-- records whose source maps both count, and every row is NULL unless both are tracked.
CREATE OR REPLACE TABLE mart.feedback AS
WITH
by_month AS (
    SELECT unit_id, CAST(date_trunc('month', feedback_deadline) AS DATE) AS month_start,
           count(*) AS feedback_due,
           count(*) FILTER (WHERE feedback_date <= feedback_deadline) AS feedback_on_time
    FROM mart.record_deadlines
    WHERE t_source_type AND t_feedback_at
      AND forwarded
      AND feedback_deadline <= getvariable('as_of')
    GROUP BY ALL
),
agg AS (
    SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
           sum(x.feedback_due) AS feedback_due, sum(x.feedback_on_time) AS feedback_on_time
    FROM by_month x
    JOIN mart.deadline_period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
)
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
       CASE WHEN t.source_type AND t.feedback_at THEN CAST(coalesce(a.feedback_due, 0) AS BIGINT) END AS feedback_due,
       CASE WHEN t.source_type AND t.feedback_at THEN CAST(coalesce(a.feedback_on_time, 0) AS BIGINT) END AS feedback_on_time,
       CASE WHEN t.source_type AND t.feedback_at AND a.feedback_due > 0
            THEN CAST(a.feedback_on_time AS DOUBLE) / CAST(a.feedback_due AS DOUBLE) END AS feedback_rate
FROM mart.row_keys k
CROSS JOIN mart.tracked_row t
LEFT JOIN agg a USING (unit_id, rollup, period_type, period)
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;
