-- Intake cohorts (按受理期跟踪), SPEC §11: for the records received in each period (month,
-- quarter, year; per unit own and rollup, and ALL, as in §3), as of as_of:
-- received; closed (closed by as_of); closed_on_time (closed on or before handle_deadline);
-- open_overdue (open, handle_deadline before as_of); open_within_deadline (open, deadline on
-- or after as_of); closed_share = closed ÷ received; on_time_share = closed_on_time ÷ received;
-- median_days_to_close (closed_date − received_date over the cohort's closed records, the mean
-- of the two middle values for an even count) and p90_days_to_close (the smallest value with
-- at least 90 % of the values at or below it: the ⌈0.9·n⌉-th smallest); NULL when none closed.
-- As for timeliness (§4), only records whose source maps closed_at count, and every column is
-- NULL when no source maps it.
-- Shape as 050_timeliness.sql: per (unit, received month), then the scope and period joins;
-- the quantiles are read off a histogram of days keyed by small integers.
CREATE OR REPLACE TABLE mart.cohort AS
WITH
rd AS (
    SELECT unit_id, CAST(date_trunc('month', received_date) AS DATE) AS month_start,
           received_date, closed_date, handle_deadline
    FROM mart.record_deadlines
    WHERE t_closed_at
),
um AS (
    SELECT unit_id, month_start,
           count(*) AS received,
           count(closed_date) AS closed,
           count(*) FILTER (WHERE closed_date <= handle_deadline) AS closed_on_time,
           count(*) FILTER (WHERE closed_date IS NULL AND handle_deadline < getvariable('as_of')) AS open_overdue,
           count(*) FILTER (WHERE closed_date IS NULL AND handle_deadline >= getvariable('as_of')) AS open_within_deadline
    FROM rd
    GROUP BY ALL
),
agg AS (
    SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
           sum(x.received) AS received, sum(x.closed) AS closed, sum(x.closed_on_time) AS closed_on_time,
           sum(x.open_overdue) AS open_overdue, sum(x.open_within_deadline) AS open_within_deadline
    FROM um x
    JOIN mart.period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
),
parents AS (
    SELECT DISTINCT parent_id AS unit_id FROM mart.units_known WHERE parent_id IS NOT NULL
),
ks AS (
    -- a unit without descendants shares one kid for rollup false and true (same records)
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
    SELECT pm.month_start, ps.pid FROM mart.period_months pm JOIN ps USING (period_type, period)
),
hist_month AS (
    SELECT unit_id, month_start, CAST(closed_date - received_date AS INTEGER) AS dd, count(*) AS n
    FROM rd
    WHERE closed_date IS NOT NULL
    GROUP BY ALL
),
hist_scoped AS (
    SELECT s.kid, x.month_start, x.dd, CAST(sum(x.n) AS BIGINT) AS n
    FROM hist_month x JOIN scope_i s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
),
hist AS (
    SELECT s.kid, p.pid, s.dd, CAST(sum(s.n) AS BIGINT) AS n
    FROM hist_scoped s JOIN months_i p ON p.month_start = s.month_start
    GROUP BY ALL
),
hist_cum AS (
    SELECT kid, pid, dd,
           sum(n) OVER (PARTITION BY kid, pid ORDER BY dd) AS cum,
           sum(n) OVER (PARTITION BY kid, pid) AS tot
    FROM hist
),
q AS (
    SELECT kid, pid,
           (min(dd) FILTER (WHERE cum >= (tot + 1) // 2)
            + min(dd) FILTER (WHERE cum >= tot // 2 + 1)) / 2.0 AS median_days_to_close,
           -- ⌈0.9·n⌉ in integers: (9n + 9) // 10
           min(dd) FILTER (WHERE cum >= (9 * tot + 9) // 10) AS p90_days_to_close
    FROM hist_cum
    GROUP BY ALL
)
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
       CASE WHEN t.closed_at THEN CAST(coalesce(a.received, 0) AS BIGINT) END AS received,
       CASE WHEN t.closed_at THEN CAST(coalesce(a.closed, 0) AS BIGINT) END AS closed,
       CASE WHEN t.closed_at THEN CAST(coalesce(a.closed_on_time, 0) AS BIGINT) END AS closed_on_time,
       CASE WHEN t.closed_at THEN CAST(coalesce(a.open_overdue, 0) AS BIGINT) END AS open_overdue,
       CASE WHEN t.closed_at THEN CAST(coalesce(a.open_within_deadline, 0) AS BIGINT) END AS open_within_deadline,
       CASE WHEN t.closed_at AND a.received > 0 THEN CAST(a.closed AS DOUBLE) / CAST(a.received AS DOUBLE) END AS closed_share,
       CASE WHEN t.closed_at AND a.received > 0 THEN CAST(a.closed_on_time AS DOUBLE) / CAST(a.received AS DOUBLE) END AS on_time_share,
       CASE WHEN t.closed_at THEN CAST(q.median_days_to_close AS DOUBLE) END AS median_days_to_close,
       CASE WHEN t.closed_at THEN CAST(q.p90_days_to_close AS INTEGER) END AS p90_days_to_close
FROM mart.row_keys k
CROSS JOIN mart.tracked_row t
JOIN ks ON ks.unit_id = k.unit_id AND ks.rollup = k.rollup
JOIN ps ON ps.period_type = k.period_type AND ps.period = k.period
LEFT JOIN agg a ON a.unit_id = k.unit_id AND a.rollup = k.rollup
               AND a.period_type = k.period_type AND a.period = k.period
LEFT JOIN q ON q.kid = ks.kid AND q.pid = ps.pid
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;
