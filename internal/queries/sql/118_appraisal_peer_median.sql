-- Peer medians of the appraisal indicators, shown beside a unit's own values on its page:
-- per peer group (mart.appraisal.peer_group), period and indicator, the median of the
-- indicator values (percent) of the group's units whose indicator is available (value not
-- NULL, base >= min_n) and scored (weight > 0, points not NULL), as the grid colours them;
-- linear interpolation between the two middle values (quantile_cont). Groups and indicators
-- with no such value get no row.
CREATE OR REPLACE TABLE mart.appraisal_peer_median AS
SELECT a.peer_group, i.period_type, i.period, i.indicator,
    count(*) AS n,
    quantile_cont(i.value, 0.5) AS p50
FROM mart.appraisal_indicators i
JOIN mart.appraisal a USING (unit_id, rollup, period_type, period)
WHERE NOT i.rollup AND i.available AND i.points IS NOT NULL AND i.weight > 0 AND isfinite(i.value)
GROUP BY ALL
ORDER BY peer_group, period_type, period, indicator;
