-- Inspection priorities (the quarterly review, SPEC §1 leadership: where to inspect first).
-- Per quarter and known unit (own records): the unit's volume rises — trend verdict 'rising'
-- in mart.trend (as of the as-of date), or a finite positive last-12-month change — while
-- its on-time rate is in the worst quarter of units (<= the 25th percentile of the quarter's
-- unit rates) or its repeat rate is (>= the 75th percentile). A rate counts, both for the
-- unit and for the percentile, only when its base reaches appraisal.min_n (due for the
-- on-time rate, petitions for the repeat rate). Percentiles interpolate linearly between the
-- two nearest values (quantile_cont, as mart.peer_quantiles). One row per known unit and
-- quarter; priority says whether the unit is listed.
CREATE OR REPLACE TABLE mart.inspection_priority AS
WITH ot AS (
    SELECT t.unit_id, t.period, t.on_time_rate
    FROM mart.timeliness t JOIN mart.units_known u USING (unit_id)
    WHERE t.period_type = 'quarter' AND NOT t.rollup
      AND t.due >= getvariable('min_n') AND isfinite(t.on_time_rate)
),
rr AS (
    SELECT r.unit_id, r.period, r.repeat_rate
    FROM mart.repeat r JOIN mart.units_known u USING (unit_id)
    WHERE r.period_type = 'quarter' AND NOT r.rollup
      AND r.petitions >= getvariable('min_n') AND isfinite(r.repeat_rate)
),
q AS (
    SELECT period FROM mart.periods WHERE period_type = 'quarter'
),
cuts AS (
    SELECT q.period,
        (SELECT quantile_cont(on_time_rate, 0.25) FROM ot WHERE ot.period = q.period) AS on_time_cut,
        (SELECT quantile_cont(repeat_rate, 0.75) FROM rr WHERE rr.period = q.period) AS repeat_cut
    FROM q
),
x AS (
    SELECT u.unit_id, 'quarter' AS period_type, c.period,
        ot.on_time_rate, rr.repeat_rate, c.on_time_cut, c.repeat_cut,
        tr.label, tr.mk_z, tr.ttm, tr.ttm_change_pct,
        coalesce(tr.label = 'rising' OR (isfinite(tr.ttm_change_pct) AND tr.ttm_change_pct > 0), false) AS rising,
        coalesce(ot.on_time_rate <= c.on_time_cut, false) AS low_on_time,
        coalesce(rr.repeat_rate >= c.repeat_cut, false) AS high_repeat
    FROM mart.units_known u
    CROSS JOIN cuts c
    LEFT JOIN ot ON ot.unit_id = u.unit_id AND ot.period = c.period
    LEFT JOIN rr ON rr.unit_id = u.unit_id AND rr.period = c.period
    LEFT JOIN mart.trend tr ON tr.unit_id = u.unit_id AND NOT tr.rollup
)
SELECT *, rising AND (low_on_time OR high_repeat) AS priority
FROM x
ORDER BY period, unit_id;
