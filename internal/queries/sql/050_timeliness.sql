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
-- period; the month histograms are rolled up through the unit tree level by level (a
-- unit's rollup = its own histogram + its children's rollups; 045_unit_tree.sql, shared with
-- 150_cohort.sql) instead of being spread from every unit to every ancestor, then mapped to
-- the month, quarter and year.
CREATE OR REPLACE TEMP TABLE tl_rd AS
SELECT unit_id, received_date, closed_date, handle_deadline
FROM mart.record_deadlines
WHERE t_closed_at;

CREATE OR REPLACE TEMP TABLE tl_den AS
WITH den_month AS (
    SELECT unit_id, CAST(date_trunc('month', d) AS DATE) AS month_start,
           count(*) AS due,
           count(*) FILTER (WHERE closed_date <= handle_deadline) AS on_time,
           count(*) FILTER (WHERE closed_date > handle_deadline) AS late_closed,
           count(*) FILTER (WHERE closed_date IS NULL) AS overdue_open
    FROM (
        SELECT *, CASE WHEN getvariable('timeliness_basis') = 'closed' THEN closed_date
                       ELSE handle_deadline END AS d
        FROM tl_rd
    )
    WHERE CASE WHEN getvariable('timeliness_basis') = 'closed' THEN closed_date IS NOT NULL
               ELSE handle_deadline <= getvariable('as_of') END
    GROUP BY ALL
)
SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
       sum(x.due) AS due, sum(x.on_time) AS on_time, sum(x.late_closed) AS late_closed,
       sum(x.overdue_open) AS overdue_open
FROM den_month x
JOIN mart.deadline_period_months pm ON pm.month_start = x.month_start
JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
GROUP BY ALL;

-- each unit's own histogram of handling days per month closed (month id 12·year + month − 1)
DELETE FROM ut_hist;
INSERT INTO ut_hist
SELECT u.uno, CAST(12 * year(r.closed_date) + month(r.closed_date) - 1 AS INTEGER),
       CAST(r.closed_date - r.received_date AS INTEGER), CAST(count(*) AS BIGINT)
FROM tl_rd r
JOIN ut_u u ON u.unit_id = r.unit_id
WHERE r.closed_date IS NOT NULL
GROUP BY ALL;

-- rolled up through the unit tree (045_unit_tree.sql): (kid, month number, days, n)
CREATE OR REPLACE TEMP TABLE tl_hs AS
SELECT kid, bucket AS mno, v AS hd, n FROM tree_hist();

-- The median is read at the two middle 1-based positions, (n + 1) // 2 and n // 2 + 1 (the
-- same one for an odd count), in two steps so that the running sums cover few rows: the
-- block of 16 days holding each position (running sums over the blocks), then the value
-- inside that block (running sums over its rows, from the count before it).
CREATE OR REPLACE TEMP TABLE tl_med AS
WITH
months_i AS (
    SELECT CAST(12 * year(pm.month_start) + month(pm.month_start) - 1 AS INTEGER) AS mno, ps.pid,
           pm.period_type
    FROM mart.deadline_period_months pm JOIN ut_ps ps USING (period_type, period)
),
-- a month is its own month period, so its rows need no second aggregation (where a parent
-- cycle gives one kid several rows of one value, the running sums below still pass each
-- position at that value)
hist AS MATERIALIZED (
    SELECT s.kid, p.pid, s.hd, s.n
    FROM tl_hs s JOIN months_i p ON p.mno = s.mno AND p.period_type = 'month'
    UNION ALL
    SELECT s.kid, p.pid, s.hd, CAST(sum(s.n) AS BIGINT) AS n
    FROM tl_hs s JOIN months_i p ON p.mno = s.mno AND p.period_type <> 'month'
    GROUP BY ALL
),
b AS (SELECT kid, pid, hd // 16 AS blk, sum(n) AS n FROM hist GROUP BY ALL),
bc AS (
    SELECT kid, pid, blk, n,
           sum(n) OVER (PARTITION BY kid, pid ORDER BY blk ROWS UNBOUNDED PRECEDING) AS cum,
           sum(n) OVER (PARTITION BY kid, pid) AS tot
    FROM b
),
pos AS (
    SELECT kid, pid, tot, w, CASE w WHEN 1 THEN (tot + 1) // 2 ELSE tot // 2 + 1 END AS t
    FROM (SELECT DISTINCT kid, pid, tot FROM bc), (VALUES (1), (2)) v(w)
),
tb AS (
    SELECT p.kid, p.pid, p.tot, p.w, p.t, c.blk, c.cum - c.n AS before
    FROM pos p JOIN bc c ON c.kid = p.kid AND c.pid = p.pid AND c.cum - c.n < p.t AND c.cum >= p.t
),
f AS (
    SELECT t.kid, t.pid, t.tot, t.w, t.t, h.hd,
           t.before + sum(h.n) OVER (PARTITION BY t.kid, t.pid, t.w ORDER BY h.hd ROWS UNBOUNDED PRECEDING) AS cum
    FROM tb t JOIN hist h ON h.kid = t.kid AND h.pid = t.pid AND h.hd // 16 = t.blk
)
SELECT kid, pid, max(tot) AS closed,
       (min(hd) FILTER (WHERE w = 1 AND cum >= t) + min(hd) FILTER (WHERE w = 2 AND cum >= t)) / 2.0
           AS median_handling_days
FROM f
GROUP BY ALL;

CREATE OR REPLACE TABLE mart.timeliness AS
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
JOIN ut_ks ks ON ks.unit_id = k.unit_id AND ks.rollup = k.rollup
JOIN ut_ps ps ON ps.period_type = k.period_type AND ps.period = k.period
LEFT JOIN tl_den d ON d.unit_id = k.unit_id AND d.rollup = k.rollup
               AND d.period_type = k.period_type AND d.period = k.period
LEFT JOIN tl_med m ON m.kid = ks.kid AND m.pid = ps.pid
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;

DROP TABLE IF EXISTS tl_rd;
DROP TABLE IF EXISTS tl_den;
DROP TABLE IF EXISTS tl_hs;
DROP TABLE IF EXISTS tl_med;
