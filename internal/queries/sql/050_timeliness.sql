-- Timeliness 按期办结 (SPEC §4). Only records whose source maps closed_at count; every
-- metric column is NULL when no source maps closed_at.
--
-- Basis 'due' (default): `due` = records whose handle_deadline falls in the period and is on
-- or before as_of; on_time = closed on or before the deadline; late_closed = closed (by
-- as_of) after it; overdue_open = not closed by as_of (due = on_time + late_closed +
-- overdue_open). Basis 'closed': `due` holds the records closed in the period instead, with
-- on_time/late_closed among them and overdue_open 0.
-- `closed` and `median_handling_days` (closed_date − received_date; the mean of the two
-- middle values for an even count) are over the records closed in the period, whatever the
-- basis.
--
-- Shape: aggregate per (unit, month), map months to their month/quarter/year with
-- mart.deadline_period_months, add up over mart.unit_scope, then fill the full grid mart.row_keys.
-- The median cannot be added up, so it is read off a histogram of handling days per output
-- row (cumulative counts up to the middle positions). To keep that cheap on large data the
-- histogram is keyed by small integers: kid per output unit row (a unit without descendants
-- shares one kid for rollup false and true, since both cover the same records) and pid per
-- period.
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
    JOIN mart.deadline_period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
),
parents AS (
    SELECT DISTINCT parent_id AS unit_id FROM mart.units_known WHERE parent_id IS NOT NULL
),
ks AS (
    SELECT k.unit_id, k.rollup,
           CAST(dense_rank() OVER (ORDER BY k.unit_id,
                                   CASE WHEN p.unit_id IS NULL AND k.unit_id <> 'ALL' THEN false
                                        ELSE k.rollup END) AS INTEGER) AS kid
    FROM (SELECT DISTINCT unit_id, rollup FROM mart.row_keys) k
    LEFT JOIN parents p ON p.unit_id = k.unit_id
),
ps AS (
    SELECT period_type, period, CAST(row_number() OVER (ORDER BY period_type, period) AS INTEGER) AS pid
    FROM mart.periods
),
scope_i AS (
    SELECT DISTINCT s.member_unit_id, ks.kid
    FROM mart.unit_scope s JOIN ks USING (unit_id, rollup)
),
months_i AS (
    SELECT pm.month_start, ps.pid FROM mart.deadline_period_months pm JOIN ps USING (period_type, period)
),
hist_month AS (
    SELECT unit_id, CAST(date_trunc('month', closed_date) AS DATE) AS month_start,
           CAST(closed_date - received_date AS INTEGER) AS hd, count(*) AS n
    FROM rd
    WHERE closed_date IS NOT NULL
    GROUP BY ALL
),
-- roll up to the output rows at month level first (the month histograms of big roll-ups
-- are dense and small), then to quarters and years
hist_scoped AS (
    SELECT s.kid, x.month_start, x.hd, CAST(sum(x.n) AS BIGINT) AS n
    FROM hist_month x JOIN scope_i s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
),
hist AS (
    SELECT s.kid, p.pid, s.hd, CAST(sum(s.n) AS BIGINT) AS n
    FROM hist_scoped s JOIN months_i p ON p.month_start = s.month_start
    GROUP BY ALL
),
hist_cum AS (
    SELECT kid, pid, hd,
           sum(n) OVER (PARTITION BY kid, pid ORDER BY hd) AS cum,
           sum(n) OVER (PARTITION BY kid, pid) AS tot
    FROM hist
),
med AS (
    -- 1-based positions of the two middle values (the same one for an odd count)
    SELECT kid, pid, max(tot) AS closed,
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
JOIN ks ON ks.unit_id = k.unit_id AND ks.rollup = k.rollup
JOIN ps ON ps.period_type = k.period_type AND ps.period = k.period
LEFT JOIN den d ON d.unit_id = k.unit_id AND d.rollup = k.rollup
               AND d.period_type = k.period_type AND d.period = k.period
LEFT JOIN med m ON m.kid = ks.kid AND m.pid = ps.pid
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;
