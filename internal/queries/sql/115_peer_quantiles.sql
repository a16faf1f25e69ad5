-- Peer quantiles (SPEC §1, planners: "peer quantiles to set realistic targets"): the spread
-- of each year's results within each peer group (same sector and level, as the appraisal's
-- ranking), over the known units' own records (rollup = false). Values in percent, as the
-- appraisal uses them; units whose value is NULL (base or denominator 0) are left out;
-- quantiles interpolate linearly between the two nearest values (quantile_cont).
CREATE OR REPLACE TABLE mart.peer_quantiles AS
WITH v AS (
    SELECT u.sector, u.level, x.period, x.metric, x.value
    FROM mart.units_known u
    JOIN (
        SELECT unit_id, period, 'yoy_pct' AS metric, yoy_pct AS value
        FROM mart.volume WHERE NOT rollup AND period_type = 'year'
        UNION ALL
        SELECT unit_id, period, 'on_time_rate', 100 * on_time_rate
        FROM mart.timeliness WHERE NOT rollup AND period_type = 'year'
        UNION ALL
        SELECT unit_id, period, 'repeat_rate', 100 * repeat_rate
        FROM mart.repeat WHERE NOT rollup AND period_type = 'year'
    ) x USING (unit_id)
    WHERE x.value IS NOT NULL AND isfinite(x.value)
)
SELECT sector, level, sector || '/' || level AS peer_group, 'year' AS period_type, period, metric,
       count(*) AS n,
       quantile_cont(value, 0.25) AS p25,
       quantile_cont(value, 0.5) AS p50,
       quantile_cont(value, 0.75) AS p75
FROM v
GROUP BY ALL
ORDER BY peer_group, period, metric;
