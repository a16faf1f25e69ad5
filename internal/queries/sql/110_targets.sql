-- Targets (SPEC §7) against actuals, year-end projection and its backtest.
-- Evaluated on rollup = true rows (a unit with its descendants; '*' = every known unit and ALL).
-- A config target with year 0 (NULL in mart.cfg_targets) is the as-of year. When a unit has
-- both its own target and a '*' target for the same metric and year, its own wins (then the
-- later one in the config).

-- Petitions per (rollup scope, calendar year): the year's total and its year-to-date at the
-- as-of date's month-day (cut = as_of shifted by whole years; 29 Feb -> 28 Feb).
CREATE OR REPLACE TEMP TABLE tgt_vy AS
WITH uy AS (
    SELECT unit_id, year(received_date) AS yr, count(*) AS total,
        count(*) FILTER (WHERE received_date <= (getvariable('as_of')
            - to_years((year(getvariable('as_of')) - year(received_date))::INTEGER))::DATE) AS ytd
    FROM mart.records
    GROUP BY ALL
),
agg AS (
    SELECT s.unit_id, uy.yr, sum(uy.total) AS total, sum(uy.ytd) AS ytd
    FROM uy JOIN mart.unit_scope s ON s.member_unit_id = uy.unit_id AND s.rollup
    GROUP BY ALL
),
first_month AS (SELECT min(period_start) AS fm FROM mart.periods WHERE period_type = 'month')
SELECT k.unit_id, year(k.period_start) AS yr, k.complete,
    -- a full year: wholly inside the data range (starts on or after the first month of the
    -- data and ends on or before as_of)
    k.complete AND k.period_start >= (SELECT fm FROM first_month) AS full_year,
    coalesce(a.total, 0)::BIGINT AS total, coalesce(a.ytd, 0)::BIGINT AS ytd
FROM mart.row_keys k
LEFT JOIN agg a ON a.unit_id = k.unit_id AND a.yr = year(k.period_start)
WHERE k.rollup AND k.period_type = 'year';

-- Projection of year y's total from its YTD: YTD x (sum of the prior up to 3 full years'
-- totals / sum of their same-YTD counts); with no prior full year, YTD x 12 / complete months.
-- span = the YTD of year y and of its priors: the whole year when y is complete.
CREATE OR REPLACE TEMP TABLE tgt_proj AS
WITH pri AS (
    SELECT y.unit_id, y.yr,
        count(p.yr) AS prior_years,
        sum(p.total) AS prior_total,
        sum(CASE WHEN y.complete THEN p.total ELSE p.ytd END) AS prior_span
    FROM tgt_vy y
    LEFT JOIN tgt_vy p ON p.unit_id = y.unit_id AND p.full_year AND p.yr BETWEEN y.yr - 3 AND y.yr - 1
    GROUP BY ALL
)
SELECT y.unit_id, y.yr, y.complete, y.full_year, y.total,
    CASE WHEN y.complete THEN y.total ELSE y.ytd END AS span,
    pri.prior_years,
    CASE
        WHEN pri.prior_years > 0 THEN
            CASE WHEN pri.prior_span > 0
                 THEN (CASE WHEN y.complete THEN y.total ELSE y.ytd END)::DOUBLE * pri.prior_total / pri.prior_span END
        ELSE
            CASE WHEN cm.months > 0
                 THEN (CASE WHEN y.complete THEN y.total ELSE y.ytd END)::DOUBLE * 12 / cm.months END
    END AS projected
FROM tgt_vy y
JOIN pri USING (unit_id, yr)
LEFT JOIN (
    SELECT year(period_start) AS yr, count(*) FILTER (WHERE complete) AS months
    FROM mart.periods WHERE period_type = 'month' GROUP BY ALL
) cm ON cm.yr = y.yr;

-- Backtest: every full year before the as-of year (SPEC §7: "the full years before the
-- as-of year") with at least one prior full year, projected from its YTD at the as-of
-- month-day, against its actual total. At a 31 December as-of the as-of year is itself
-- full, but backtesting it against itself would report a zero error.
CREATE OR REPLACE TABLE mart.targets_backtest AS
WITH b AS (
    SELECT y.unit_id, y.yr,
        y.ytd,
        y.total AS actual,
        sum(p.total) AS prior_total,
        sum(p.ytd) AS prior_ytd,
        count(p.yr) AS prior_years
    FROM tgt_vy y
    JOIN tgt_vy p ON p.unit_id = y.unit_id AND p.full_year AND p.yr BETWEEN y.yr - 3 AND y.yr - 1
    WHERE y.full_year AND y.yr < year(getvariable('as_of'))
    GROUP BY ALL
)
SELECT unit_id, true AS rollup, 'volume_change_pct' AS metric, yr AS year,
    ytd, prior_years,
    CASE WHEN prior_ytd > 0 THEN ytd::DOUBLE * prior_total / prior_ytd END AS projected,
    actual,
    CASE WHEN prior_ytd > 0 AND actual > 0
         THEN (ytd::DOUBLE * prior_total / prior_ytd - actual) * 100 / actual END AS error_pct
FROM b
ORDER BY unit_id, year;

-- Rates from the marts' year rows (rollup = true), long form.
CREATE OR REPLACE TEMP TABLE tgt_rates AS
SELECT unit_id, period_start, 'on_time_rate' AS metric, on_time_rate AS v, complete FROM mart.timeliness WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'acceptance_rate', acceptance_rate, complete FROM mart.acceptance WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'feedback_rate', feedback_rate, complete FROM mart.feedback WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'repeat_rate', repeat_rate, complete FROM mart.repeat WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'repeat_petitioner_rate', repeat_petitioner_rate, complete FROM mart.repeat WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'not_ceased_rate', not_ceased_rate, complete FROM mart.closure WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'first_contact_rate', first_contact_rate, complete FROM mart.closure WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'followup_rate', followup_rate, complete FROM mart.closure WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'satisfaction_rate', satisfaction_rate, complete FROM mart.closure WHERE rollup AND period_type = 'year'
UNION ALL SELECT unit_id, period_start, 'participation_rate', participation_rate, complete FROM mart.closure WHERE rollup AND period_type = 'year';

CREATE OR REPLACE TABLE mart.targets AS
WITH tg AS (
    SELECT t.unit_id AS target_unit, coalesce(t.year, year(getvariable('as_of'))) AS yr,
           t.metric, t.op, t.value, t.ord
    FROM mart.cfg_targets t
),
scopes AS (SELECT DISTINCT unit_id FROM mart.row_keys WHERE rollup),
chosen AS (
    SELECT s.unit_id, tg.yr, tg.metric, tg.op, tg.value
    FROM tg JOIN scopes s ON tg.target_unit = '*' OR tg.target_unit = s.unit_id
    QUALIFY row_number() OVER (PARTITION BY s.unit_id, tg.yr, tg.metric
                               ORDER BY (tg.target_unit <> '*') DESC, tg.ord DESC) = 1
),
bt AS (
    SELECT unit_id, avg(abs(error_pct)) AS backtest_error_pct FROM mart.targets_backtest GROUP BY ALL
),
ev AS (
    SELECT c.unit_id, c.yr, c.metric, c.op, c.value,
        make_date(c.yr, 12, 31) <= getvariable('as_of') AS year_complete,
        CASE WHEN c.metric = 'volume_change_pct' THEN pr.span::DOUBLE ELSE r.v END AS actual_ytd,
        CASE WHEN c.metric = 'volume_change_pct' THEN pr.projected ELSE r.v END AS projected,
        -- volume: the same YTD span last year (the whole year when the year is complete)
        CASE WHEN c.metric = 'volume_change_pct' THEN
            CASE WHEN make_date(c.yr, 12, 31) <= getvariable('as_of') THEN ly.total ELSE ly.ytd END END AS prior_ytd,
        CASE WHEN c.metric = 'volume_change_pct' THEN ly.total END AS prior_total,
        CASE WHEN c.metric = 'volume_change_pct' THEN bt.backtest_error_pct END AS backtest_error_pct
    FROM chosen c
    LEFT JOIN tgt_proj pr ON pr.unit_id = c.unit_id AND pr.yr = c.yr
    LEFT JOIN tgt_vy ly ON ly.unit_id = c.unit_id AND ly.yr = c.yr - 1
    LEFT JOIN tgt_rates r ON r.unit_id = c.unit_id AND year(r.period_start) = c.yr AND r.metric = c.metric
    LEFT JOIN bt ON bt.unit_id = c.unit_id
),
cmp AS (
    SELECT *,
        CASE WHEN metric = 'volume_change_pct' AND prior_ytd > 0
             THEN (actual_ytd - prior_ytd) * 100 / prior_ytd END AS actual_change_pct,
        CASE WHEN metric = 'volume_change_pct' AND prior_total > 0
             THEN (projected - prior_total) * 100 / prior_total END AS projected_change_pct
    FROM ev
),
st AS (
    SELECT *,
        -- the value the target is about: the projected change % for volume, the rate otherwise
        CASE WHEN metric = 'volume_change_pct' THEN projected_change_pct ELSE projected END AS pv,
        CASE WHEN metric = 'volume_change_pct' THEN 2.0 ELSE 0.02 END AS tolerance
    FROM cmp
),
hold AS (
    SELECT *,
        CASE op WHEN '<=' THEN pv <= value WHEN '<' THEN pv < value WHEN '>=' THEN pv >= value
                WHEN '>' THEN pv > value WHEN '=' THEN pv = value END AS holds,
        CASE op WHEN '<=' THEN pv - value WHEN '<' THEN pv - value WHEN '>=' THEN value - pv
                WHEN '>' THEN value - pv ELSE abs(pv - value) END AS miss
    FROM st
)
SELECT unit_id, true AS rollup, yr AS year, metric, op, value AS target,
    actual_ytd, projected, actual_change_pct, projected_change_pct, prior_ytd, prior_total,
    year_complete,
    CASE WHEN pv IS NULL THEN NULL
         WHEN holds AND year_complete THEN 'met'
         WHEN holds THEN 'on track'
         WHEN miss <= tolerance THEN 'at risk'
         ELSE 'off track' END AS status,
    backtest_error_pct
FROM hold
ORDER BY unit_id, year, metric;

DROP TABLE IF EXISTS tgt_vy;
DROP TABLE IF EXISTS tgt_proj;
DROP TABLE IF EXISTS tgt_rates;
