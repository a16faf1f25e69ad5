-- Trend verdict (持续下降), SPEC §4: seasonal Kendall test (Hirsch, Slack and Smith 1982,
-- no covariance term) on monthly petitions (mart.volume) per (unit, rollup) and ALL.
-- Complete months run from the first month of the whole data set through the last month
-- ending on or before as_of; the test uses the last min(trend_months, available) of them and
-- needs trend_min_months, else label 'insufficient' (mk_* and Sen's slope NULL).

CREATE OR REPLACE TEMP TABLE trend_m AS
SELECT v.unit_id, v.rollup, v.period_start AS month_start,
       year(v.period_start) AS yr, month(v.period_start) AS moy, v.petitions::DOUBLE AS x,
       row_number() OVER (PARTITION BY v.unit_id, v.rollup ORDER BY v.period_start DESC) AS back
FROM mart.volume v
WHERE v.period_type = 'month' AND v.complete;

-- The test window: the last trend_months complete months.
CREATE OR REPLACE TEMP TABLE trend_w AS
SELECT * FROM trend_m WHERE back <= getvariable('trend_months');

-- Mann-Kendall S per calendar month over the window's successive years, and the pairwise
-- slopes for Sen's seasonal slope.
CREATE OR REPLACE TEMP TABLE trend_pairs AS
SELECT a.unit_id, a.rollup, a.moy,
       sign(b.x - a.x) AS sgn,
       (b.x - a.x) / (b.yr - a.yr) AS slope
FROM trend_w a
JOIN trend_w b ON b.unit_id = a.unit_id AND b.rollup = a.rollup AND b.moy = a.moy AND b.yr > a.yr;

-- Variance per calendar month with the tie correction:
-- n(n-1)(2n+5)/18 - sum over tie groups of t(t-1)(2t+5)/18.
CREATE OR REPLACE TEMP TABLE trend_var AS
WITH n AS (
    SELECT unit_id, rollup, moy, count(*)::DOUBLE AS n FROM trend_w GROUP BY ALL
),
ties AS (
    SELECT unit_id, rollup, moy, sum(t * (t - 1) * (2 * t + 5)) AS tc
    FROM (SELECT unit_id, rollup, moy, x, count(*)::DOUBLE AS t FROM trend_w GROUP BY ALL)
    GROUP BY ALL
)
-- summed as integers (exact whatever the order), divided once
SELECT n.unit_id, n.rollup, sum(n.n * (n.n - 1) * (2 * n.n + 5) - coalesce(ties.tc, 0)) / 18 AS var
FROM n LEFT JOIN ties USING (unit_id, rollup, moy)
GROUP BY ALL;

CREATE OR REPLACE TABLE mart.trend AS
WITH scopes AS (
    SELECT DISTINCT unit_id, rollup FROM mart.row_keys
),
cnt AS (
    SELECT unit_id, rollup, count(*) AS months,
           min(month_start) AS window_start, max(month_start) AS window_end
    FROM trend_w GROUP BY ALL
),
s AS (
    SELECT unit_id, rollup, sum(sgn)::BIGINT AS mk_s, median(slope) AS sens_slope
    FROM trend_pairs GROUP BY ALL
),
ttm AS (
    SELECT unit_id, rollup,
        CASE WHEN count(*) FILTER (WHERE back <= 12) = 12 THEN sum(x) FILTER (WHERE back <= 12) END AS ttm,
        CASE WHEN count(*) FILTER (WHERE back BETWEEN 13 AND 24) = 12 THEN sum(x) FILTER (WHERE back BETWEEN 13 AND 24) END AS prev_ttm
    FROM trend_m GROUP BY ALL
),
j AS (
    SELECT sc.unit_id, sc.rollup, getvariable('as_of')::DATE AS as_of,
        coalesce(c.months, 0) AS months, c.window_start, c.window_end,
        coalesce(c.months, 0) >= getvariable('trend_min_months') AS enough,
        coalesce(s.mk_s, 0) AS s, coalesce(v.var, 0) AS var, s.sens_slope,
        t.ttm::BIGINT AS ttm, t.prev_ttm::BIGINT AS prev_ttm
    FROM scopes sc
    LEFT JOIN cnt c USING (unit_id, rollup)
    LEFT JOIN s USING (unit_id, rollup)
    LEFT JOIN trend_var v USING (unit_id, rollup)
    LEFT JOIN ttm t USING (unit_id, rollup)
),
z AS (
    SELECT *,
        CASE WHEN var <= 0 THEN 0.0
             WHEN s > 0 THEN (s - 1) / sqrt(var)
             WHEN s < 0 THEN (s + 1) / sqrt(var)
             ELSE 0.0 END AS zz
    FROM j
)
SELECT unit_id, rollup, as_of,
    CASE WHEN NOT enough THEN 'insufficient'
         WHEN zz <= -getvariable('trend_z') THEN 'declining'
         WHEN zz >= getvariable('trend_z') THEN 'rising'
         ELSE 'flat' END AS label,
    CASE WHEN enough THEN s END AS mk_s,
    CASE WHEN enough THEN var END AS mk_var,
    CASE WHEN enough THEN zz END AS mk_z,
    CASE WHEN enough THEN sens_slope END AS sens_slope,
    CASE WHEN enough THEN sens_slope * 12 END AS sens_slope_annual,
    months, window_start, window_end,
    ttm, prev_ttm,
    CASE WHEN prev_ttm > 0 THEN (ttm - prev_ttm)::DOUBLE * 100 / prev_ttm END AS ttm_change_pct
FROM z
ORDER BY unit_id, rollup;

DROP TABLE IF EXISTS trend_m;
DROP TABLE IF EXISTS trend_w;
DROP TABLE IF EXISTS trend_pairs;
DROP TABLE IF EXISTS trend_var;
