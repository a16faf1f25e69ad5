-- Intake cohorts (按受理期跟踪), SPEC §11: for the records received in each period (month,
-- quarter, year; per unit own and rollup, and ALL, as in §3), as of as_of:
-- received; closed (closed by as_of); closed_on_time (closed on or before handle_deadline),
-- open_overdue (open, handle_deadline before as_of); open_within_deadline (open, deadline on
-- or after as_of); closed_share = closed ÷ received; on_time_share = closed_on_time ÷ received,
-- median_days_to_close (closed_date − received_date over the cohort's closed records, the mean
-- of the two middle values for an even count) and p90_days_to_close (the smallest value with
-- at least 90 % of the values at or below it: the ⌈0.9·n⌉-th smallest); NULL when none closed.
-- As for timeliness (§4), only records whose source maps closed_at count, and every column is
-- NULL when no source maps it.
-- Shape: counts per (unit, received month), then the scope and period joins. The quantiles
-- are read off a histogram of days to close per output row, keyed by one integer
-- kp = kid · 65536 + pid (kid: output unit row, a unit without descendants sharing one for
-- rollup false and true; pid: period). The month histograms of the output rows are rolled
-- up through the unit tree level by level (a unit's rollup = its own histogram + its
-- children's rollups), not spread from every unit to every ancestor, then added up to
-- quarters and years (months map to them 1:1, so month rows need no second aggregation).
CREATE OR REPLACE TEMP TABLE coh_rd AS
SELECT unit_id, CAST(date_trunc('month', received_date) AS DATE) AS month_start,
       closed_date, handle_deadline, CAST(closed_date - received_date AS INTEGER) AS dd
FROM mart.record_deadlines
WHERE t_closed_at;

-- month start -> its month pid and the pids of its quarter and year
CREATE OR REPLACE TEMP TABLE coh_pm AS
SELECT pm.month_start, ps.pid, pm.period_type
FROM mart.period_months pm JOIN ut_ps ps USING (period_type, period);

-- each unit's own histogram per month
DELETE FROM ut_hist;
INSERT INTO ut_hist
SELECT u.uno, m.pid, r.dd, CAST(count(*) AS BIGINT)
FROM coh_rd r
JOIN ut_u u ON u.unit_id = r.unit_id
JOIN coh_pm m ON m.month_start = r.month_start AND m.period_type = 'month'
WHERE r.closed_date IS NOT NULL
GROUP BY ALL;

-- rolled up through the unit tree (045_unit_tree.sql), keyed kp = kid · 65536 + month pid
CREATE OR REPLACE TEMP TABLE coh_hs AS
SELECT CAST(kid AS BIGINT) * 65536 + bucket AS kp, v AS dd, n FROM tree_hist();

CREATE OR REPLACE TEMP TABLE coh_h AS
WITH mq AS (
    SELECT a.pid AS mpid, b.pid
    FROM coh_pm a JOIN coh_pm b ON b.month_start = a.month_start AND b.period_type <> 'month'
    WHERE a.period_type = 'month'
)
SELECT kp, dd, n FROM coh_hs
UNION ALL
SELECT (s.kp // 65536) * 65536 + q.pid, s.dd, CAST(sum(s.n) AS BIGINT)
FROM coh_hs s JOIN mq q ON q.mpid = s.kp % 65536
GROUP BY ALL;

-- The quantiles are the values at three 1-based positions of each histogram: the two
-- middle ones, (n + 1) // 2 and n // 2 + 1 (the same one for an odd count), and the
-- ⌈0.9·n⌉-th, in integers (9n + 9) // 10. Found in two steps so that the running sums cover
-- few rows: the block of 16 days holding each position (running sums over the blocks), then
-- the value inside that block (running sums over its rows, from the count before it).
CREATE OR REPLACE TEMP TABLE coh_q AS
WITH
b AS (SELECT kp, dd // 16 AS blk, sum(n) AS n FROM coh_h GROUP BY ALL),
bc AS (
    SELECT kp, blk, n, sum(n) OVER (PARTITION BY kp ORDER BY blk ROWS UNBOUNDED PRECEDING) AS cum,
           sum(n) OVER (PARTITION BY kp) AS tot
    FROM b
),
pos AS (
    SELECT kp, w, CASE w WHEN 1 THEN (tot + 1) // 2 WHEN 2 THEN tot // 2 + 1 ELSE (9 * tot + 9) // 10 END AS t
    FROM (SELECT DISTINCT kp, tot FROM bc), (VALUES (1), (2), (3)) v(w)
),
tb AS (
    SELECT p.kp, p.w, p.t, c.blk, c.cum - c.n AS before
    FROM pos p JOIN bc c ON c.kp = p.kp AND c.cum - c.n < p.t AND c.cum >= p.t
),
f AS (
    SELECT t.kp, t.w, t.t, h.dd,
           t.before + sum(h.n) OVER (PARTITION BY t.kp, t.w ORDER BY h.dd ROWS UNBOUNDED PRECEDING) AS cum
    FROM tb t JOIN coh_h h ON h.kp = t.kp AND h.dd // 16 = t.blk
)
SELECT kp,
       (min(dd) FILTER (WHERE w = 1 AND cum >= t) + min(dd) FILTER (WHERE w = 2 AND cum >= t)) / 2.0
           AS median_days_to_close,
       min(dd) FILTER (WHERE w = 3 AND cum >= t) AS p90_days_to_close
FROM f
GROUP BY kp;

CREATE OR REPLACE TABLE mart.cohort AS
WITH
um AS (
    SELECT unit_id, month_start,
           count(*) AS received,
           count(closed_date) AS closed,
           count(*) FILTER (WHERE closed_date <= handle_deadline) AS closed_on_time,
           count(*) FILTER (WHERE closed_date IS NULL AND handle_deadline < getvariable('as_of')) AS open_overdue,
           count(*) FILTER (WHERE closed_date IS NULL AND handle_deadline >= getvariable('as_of')) AS open_within_deadline
    FROM coh_rd
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
JOIN ut_ks ks ON ks.unit_id = k.unit_id AND ks.rollup = k.rollup
JOIN ut_ps ps ON ps.period_type = k.period_type AND ps.period = k.period
LEFT JOIN agg a ON a.unit_id = k.unit_id AND a.rollup = k.rollup
               AND a.period_type = k.period_type AND a.period = k.period
LEFT JOIN coh_q q ON q.kp = CAST(ks.kid AS BIGINT) * 65536 + ps.pid
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;

DROP TABLE IF EXISTS coh_rd;
DROP TABLE IF EXISTS coh_pm;
DROP TABLE IF EXISTS coh_hs;
DROP TABLE IF EXISTS coh_h;
DROP TABLE IF EXISTS coh_q;
-- the shared unit-tree tables and macro of 045_unit_tree.sql (150 is their last user)
DROP MACRO TABLE IF EXISTS tree_hist;
DROP TABLE IF EXISTS ut_hist;
DROP TABLE IF EXISTS ut_u;
DROP TABLE IF EXISTS ut_ks;
DROP TABLE IF EXISTS ut_ps;
