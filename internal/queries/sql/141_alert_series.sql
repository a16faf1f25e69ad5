-- The weekly series behind each alert (SPEC §10, the alert page's charts): mart.alert_series.
--
-- For every row of mart.alerts (unit, kind, category), its weekly counts for the alert week
-- (k = 0) and the alerts.baseline_weeks ISO weeks before it (k = 1 … baseline_weeks), leaving
-- out weeks before the data's first week (the week of the earliest received_date, as in
-- 140_alerts.sql). The count is what 140_alerts.sql counts for that kind: the unit's own
-- records ('total'), those of its category among records whose source maps category, blank
-- (NULL) a value of its own ('category'), or its collective visits (channel visit, headcount ≥
-- collective_min_headcount; 'collective'). in_baseline: the week is one of the alert's
-- baseline weeks (k between 1 and mart.alerts.baseline_weeks; never for 'collective', which
-- has no baseline). threshold: the alert's threshold (m + 3σ, or collective_min), repeated on
-- every week so the chart draws it as a line.
CREATE OR REPLACE TABLE mart.alert_series AS
WITH p AS (
    SELECT (SELECT CAST(date_trunc('week', min(received_date)) AS DATE) FROM mart.records) AS first_week,
           baseline_weeks
    FROM mart.cfg_alerts
),
grid AS (
    SELECT a.week_start AS alert_week_start, a.unit_id, a.kind, a.category, a.threshold,
           a.baseline_weeks AS alert_baseline_weeks, CAST(g.k AS INTEGER) AS k,
           CAST(a.week_start - CAST(7 * g.k AS INTEGER) AS DATE) AS week_start
    FROM mart.alerts a, p, range(0, p.baseline_weeks + 1) g(k)
    WHERE a.week_start - CAST(7 * g.k AS INTEGER) >= p.first_week
),
rec AS (
    SELECT r.unit_id, r.category, r.t_category,
           CAST(date_trunc('week', r.received_date) AS DATE) AS week_start,
           coalesce(r.channel = 'visit' AND r.headcount >= getvariable('collective_min_headcount'), false) AS collective
    FROM mart.records r
    WHERE r.known_unit
      AND r.received_date BETWEEN (SELECT min(week_start) FROM grid) AND (SELECT max(week_start) + 6 FROM grid)
),
-- counted per (unit, week) and kind first, so the grid joins one row per series and week
cnt AS (
    SELECT unit_id, week_start, 'total' AS kind, CAST(NULL AS VARCHAR) AS category, count(*) AS n
    FROM rec GROUP BY ALL
    UNION ALL
    SELECT unit_id, week_start, 'category', category, count(*) FROM rec WHERE t_category GROUP BY ALL
    UNION ALL
    SELECT unit_id, week_start, 'collective', NULL, count(*) FROM rec WHERE collective GROUP BY ALL
)
SELECT g.alert_week_start, g.unit_id, g.kind, g.category, g.k, g.week_start,
       CAST(g.week_start + 6 AS DATE) AS week_end,
       CAST(coalesce(sum(c.n), 0) AS BIGINT) AS "count",
       g.kind <> 'collective' AND g.k BETWEEN 1 AND coalesce(g.alert_baseline_weeks, 0) AS in_baseline,
       g.threshold
FROM grid g
LEFT JOIN cnt c
  ON c.unit_id = g.unit_id AND c.week_start = g.week_start AND c.kind = g.kind
 AND (g.kind <> 'category' OR c.category IS NOT DISTINCT FROM g.category)
GROUP BY g.alert_week_start, g.unit_id, g.kind, g.category, g.k, g.week_start, g.alert_baseline_weeks, g.threshold
ORDER BY g.unit_id, g.kind, g.category NULLS FIRST, g.week_start;
