-- Timeliness 按期办结 (SPEC §4). Only records whose source maps closed_at count; every
-- metric column is NULL when no source maps closed_at.
--
-- Basis 'due' (default): `due` = records whose handle_deadline falls in the period and is on
-- or before as_of; on_time = closed on or before the deadline; late_closed = closed (by
-- as_of) after it; overdue_open = not closed by as_of (due = on_time + late_closed +
-- overdue_open). Basis 'closed': `due` holds the records closed in the period instead, with
-- on_time/late_closed among them and overdue_open 0.
-- `closed` and `median_handling_days` (closed_date − received_date) are over the records
-- closed in the period, whatever the basis. The median is read off a histogram of handling
-- days so that the unit roll-ups need no second pass over the records.
--
-- Shape (as in every period table here): aggregate per (unit, month), map months to their
-- month/quarter/year with mart.period_months, add up over mart.unit_scope, then fill the
-- full grid mart.row_keys.
CREATE OR REPLACE TABLE mart.timeliness AS
WITH
rd AS (
    SELECT unit_id, received_date, closed_date, handle_deadline
    FROM mart.record_deadlines
    WHERE t_closed_at
),
den_month AS (
    SELECT unit_id, CAST(date_trunc('month', d) AS DATE) AS month_start,
           count(*) AS due,
           count(*) FILTER (WHERE closed_date <= handle_deadline) AS on_time,
           count(*) FILTER (WHERE closed_date > handle_deadline) AS late_closed,
           count(*) FILTER (WHERE closed_date IS NULL) AS overdue_open
    FROM (
        SELECT *, CASE WHEN getvariable('timeliness_basis') = 'closed' THEN closed_date
                       ELSE handle_deadline END AS d
        FROM rd
    )
    WHERE CASE WHEN getvariable('timeliness_basis') = 'closed' THEN closed_date IS NOT NULL
               ELSE handle_deadline <= getvariable('as_of') END
    GROUP BY ALL
),
den AS (
    SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
           sum(x.due) AS due, sum(x.on_time) AS on_time, sum(x.late_closed) AS late_closed,
           sum(x.overdue_open) AS overdue_open
    FROM den_month x
    JOIN mart.period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
),
hist_month AS (
    SELECT unit_id, CAST(date_trunc('month', closed_date) AS DATE) AS month_start,
           closed_date - received_date AS hd, count(*) AS n
    FROM rd
    WHERE closed_date IS NOT NULL
    GROUP BY ALL
),
hist AS (
    SELECT s.unit_id, s.rollup, pm.period_type, pm.period, x.hd, sum(x.n) AS n
    FROM hist_month x
    JOIN mart.period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
),
hist_cum AS (
    SELECT *,
           sum(n) OVER (PARTITION BY unit_id, rollup, period_type, period ORDER BY hd) AS cum,
           sum(n) OVER (PARTITION BY unit_id, rollup, period_type, period) AS tot
    FROM hist
),
med AS (
    -- 1-based positions of the two middle values (the same one for an odd count)
    SELECT unit_id, rollup, period_type, period, max(tot) AS closed,
           (min(hd) FILTER (WHERE cum >= (tot + 1) // 2)
            + min(hd) FILTER (WHERE cum >= tot // 2 + 1)) / 2.0 AS median_handling_days
    FROM hist_cum
    GROUP BY ALL
)
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
       CASE WHEN t.closed_at THEN CAST(coalesce(d.due, 0) AS BIGINT) END AS due,
       CASE WHEN t.closed_at THEN CAST(coalesce(d.on_time, 0) AS BIGINT) END AS on_time,
       CASE WHEN t.closed_at THEN CAST(coalesce(d.late_closed, 0) AS BIGINT) END AS late_closed,
       CASE WHEN t.closed_at THEN CAST(coalesce(d.overdue_open, 0) AS BIGINT) END AS overdue_open,
       CASE WHEN t.closed_at AND d.due > 0 THEN CAST(d.on_time AS DOUBLE) / CAST(d.due AS DOUBLE) END AS on_time_rate,
       CASE WHEN t.closed_at THEN CAST(coalesce(m.closed, 0) AS BIGINT) END AS closed,
       CASE WHEN t.closed_at THEN CAST(m.median_handling_days AS DOUBLE) END AS median_handling_days
FROM mart.row_keys k
CROSS JOIN mart.tracked_row t
LEFT JOIN den d USING (unit_id, rollup, period_type, period)
LEFT JOIN med m USING (unit_id, rollup, period_type, period)
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;
