-- Early warning (矛盾纠纷早发现), SPEC §10: mart.alerts, the alerts raised in the alert week.
--
-- Weeks are ISO weeks (Monday–Sunday, local dates). The alert week is the last week ending on
-- or before as_of. For each known unit's own records, in total (kind 'total') and per category
-- (kind 'category'; blank category a value of its own, NULL here; only records whose source
-- maps category), x = the alert week's count and the baseline = the counts of the
-- baseline_weeks (8) weeks before it, leaving out weeks before the data's first week (the week
-- of the earliest received_date of all records ≤ as_of); fewer than 4 such weeks: no alert.
-- m = their mean, s = their sample standard deviation (0 for identical values),
-- σ = max(s, sqrt(max(m, 1))), threshold = m + 3σ. An alert when x ≥ min_count and
-- x > threshold; level 'red' when x > m + 5σ, else 'amber'. A unit whose alert week holds
-- collective_min (2) or more collective visits (channel visit, headcount ≥
-- collective_min_headcount) raises a 'collective' alert, level red, whatever its baseline:
-- count = those visits, threshold = collective_min, baseline columns NULL.
CREATE OR REPLACE TEMP TABLE al_par AS
WITH w AS (
    -- isodow: Monday 1 .. Sunday 7; the Sunday on or before as_of ends the alert week
    SELECT getvariable('as_of')::DATE - CAST(isodow(getvariable('as_of')::DATE) % 7 AS INTEGER) AS week_end
)
SELECT w.week_end - 6 AS week_start, w.week_end,
       (SELECT CAST(date_trunc('week', min(received_date)) AS DATE) FROM mart.records) AS first_week,
       a.baseline_weeks, a.min_count, a.collective_min
FROM w, mart.cfg_alerts a;

-- k = 0 for the alert week, 1..baseline_weeks for the weeks before it.
CREATE OR REPLACE TEMP TABLE al_rec AS
SELECT r.unit_id, r.category, r.t_category,
       CAST((p.week_start - CAST(date_trunc('week', r.received_date) AS DATE)) // 7 AS INTEGER) AS k,
       r.channel = 'visit' AND r.headcount >= getvariable('collective_min_headcount') AS collective
FROM mart.records r, al_par p
WHERE r.known_unit
  AND r.received_date BETWEEN p.week_start - 7 * p.baseline_weeks AND p.week_end;

CREATE OR REPLACE TEMP TABLE al_counts AS
SELECT unit_id, 'total' AS kind, CAST(NULL AS VARCHAR) AS category, k, count(*) AS n
FROM al_rec GROUP BY ALL
UNION ALL
SELECT unit_id, 'category', category, k, count(*)
FROM al_rec WHERE t_category GROUP BY ALL;

-- Series that can alert (x ≥ 1 and ≥ min_count), each with every available baseline week.
CREATE OR REPLACE TEMP TABLE al_series AS
WITH nb AS (
    SELECT CAST(greatest(0, least(baseline_weeks, (week_start - first_week) // 7)) AS INTEGER) AS weeks
    FROM al_par
),
x AS (
    SELECT c.unit_id, c.kind, c.category, c.n AS x
    FROM al_counts c, al_par p
    WHERE c.k = 0 AND c.n >= greatest(p.min_count, 1)
),
grid AS (
    SELECT x.unit_id, x.kind, x.category, x.x, nb.weeks, g.k
    FROM x, nb, range(1, nb.weeks + 1) g(k)
)
SELECT g.unit_id, g.kind, g.category, g.x, g.weeks,
       -- Mean and sample variance from exact integer sums, divided once: a double
       -- avg()/stddev_samp() depends on the thread order in its last digit, which made
       -- mart.alerts differ from run to run on the same database.
       CAST(sum(coalesce(c.n, 0)) AS DOUBLE) / count(*) AS m,
       CASE WHEN min(coalesce(c.n, 0)) = max(coalesce(c.n, 0)) THEN 0.0
            ELSE sqrt(CAST(count(*) * sum(CAST(coalesce(c.n, 0) AS HUGEINT) * coalesce(c.n, 0))
                           - sum(CAST(coalesce(c.n, 0) AS HUGEINT)) * sum(CAST(coalesce(c.n, 0) AS HUGEINT)) AS DOUBLE)
                      / (count(*) * (count(*) - 1))) END AS s
FROM grid g
LEFT JOIN al_counts c ON c.unit_id = g.unit_id AND c.kind = g.kind
     AND c.category IS NOT DISTINCT FROM g.category AND c.k = g.k
GROUP BY g.unit_id, g.kind, g.category, g.x, g.weeks;

CREATE OR REPLACE TABLE mart.alerts AS
WITH st AS (
    SELECT *, greatest(s, sqrt(greatest(m, 1.0))) AS sigma
    FROM al_series
    WHERE weeks >= 4
),
stat AS (
    SELECT p.week_start, p.week_end, st.unit_id, st.kind, st.category, CAST(st.x AS BIGINT) AS "count",
           CAST(st.weeks AS INTEGER) AS baseline_weeks, st.m AS baseline_mean, st.s AS baseline_sd,
           st.m + 3 * st.sigma AS threshold,
           CASE WHEN st.x > st.m + 5 * st.sigma THEN 'red' ELSE 'amber' END AS level
    FROM st, al_par p
    WHERE st.x >= p.min_count AND st.x > st.m + 3 * st.sigma
),
coll AS (
    SELECT p.week_start, p.week_end, r.unit_id, 'collective' AS kind, CAST(NULL AS VARCHAR) AS category,
           CAST(count(*) AS BIGINT) AS "count", CAST(NULL AS INTEGER) AS baseline_weeks,
           CAST(NULL AS DOUBLE) AS baseline_mean, CAST(NULL AS DOUBLE) AS baseline_sd,
           CAST(p.collective_min AS DOUBLE) AS threshold, 'red' AS level
    FROM al_rec r, al_par p
    WHERE r.k = 0 AND r.collective
    GROUP BY p.week_start, p.week_end, r.unit_id, p.collective_min
    HAVING count(*) >= p.collective_min
)
SELECT a.week_start, a.week_end, a.unit_id, u.name AS unit_name, a.kind, a.category, a."count",
       a.baseline_weeks, a.baseline_mean, a.baseline_sd, a.threshold, a.level
FROM (SELECT * FROM stat UNION ALL SELECT * FROM coll) a
JOIN mart.units_known u USING (unit_id)
ORDER BY CASE a.level WHEN 'red' THEN 0 ELSE 1 END, a.unit_id,
         CASE a.kind WHEN 'collective' THEN 0 WHEN 'total' THEN 1 ELSE 2 END, a.category NULLS FIRST;

DROP TABLE IF EXISTS al_par;
DROP TABLE IF EXISTS al_rec;
DROP TABLE IF EXISTS al_counts;
DROP TABLE IF EXISTS al_series;
