-- One-vote veto 一票否决 (SPEC §5). Rules come from mart.cfg_veto_rules (window: the
-- calendar year, up to as_of). Subjects:
--   scope 'unit'    every known unit, on its own records (not its descendants');
--   scope 'handler' every distinct non-blank handler_id over all records, known unit or not
--                   (none when no source maps handler_id).
-- Metrics per subject and year:
--   justified_complaints  justified + partly, by closure date (closed by as_of);
--   mass_incident         mass_incident = true, by received date;
--   traced_fault          traced_fault = true, by received date.
-- Every subject gets a row per year of the data (first data year through the as-of year)
-- and per rule of its scope. value is NULL and triggered false when a field the metric
-- needs (justified and closed_at; mass_incident; traced_fault) is not tracked.
CREATE OR REPLACE TABLE mart.veto AS
WITH
years AS (
    SELECT CAST(year(period_start) AS INTEGER) AS year FROM mart.periods WHERE period_type = 'year'
),
contrib AS (
    SELECT unit_id, known_unit, handler_id, 'justified_complaints' AS metric,
           CAST(year(closed_date) AS INTEGER) AS year, count(*) AS n
    FROM mart.records
    WHERE t_justified AND t_closed_at AND closed_date IS NOT NULL
      AND justified IN ('justified', 'partly')
    GROUP BY ALL
    UNION ALL
    SELECT unit_id, known_unit, handler_id, 'mass_incident', CAST(year(received_date) AS INTEGER), count(*)
    FROM mart.records
    WHERE t_mass_incident AND mass_incident
    GROUP BY ALL
    UNION ALL
    SELECT unit_id, known_unit, handler_id, 'traced_fault', CAST(year(received_date) AS INTEGER), count(*)
    FROM mart.records
    WHERE t_traced_fault AND traced_fault
    GROUP BY ALL
),
vals AS (
    SELECT 'unit' AS scope, unit_id AS subject_id, metric, year, sum(n) AS n
    FROM contrib WHERE known_unit
    GROUP BY ALL
    UNION ALL
    SELECT 'handler', handler_id, metric, year, sum(n)
    FROM contrib WHERE handler_id IS NOT NULL
    GROUP BY ALL
),
subjects AS (
    SELECT 'unit' AS scope, unit_id AS subject_id FROM mart.units_known
    UNION ALL
    SELECT DISTINCT 'handler', handler_id FROM mart.records
    WHERE t_handler_id AND handler_id IS NOT NULL
),
metric_tracked AS (
    SELECT 'justified_complaints' AS metric, t.justified AND t.closed_at AS tracked FROM mart.tracked_row t
    UNION ALL SELECT 'mass_incident', t.mass_incident FROM mart.tracked_row t
    UNION ALL SELECT 'traced_fault', t.traced_fault FROM mart.tracked_row t
),
rows AS (
    SELECT s.scope, s.subject_id, y.year, r.rule_id, r.metric, r.op, r.threshold,
           CASE WHEN mt.tracked THEN CAST(coalesce(v.n, 0) AS BIGINT) END AS value
    FROM subjects s
    JOIN mart.cfg_veto_rules r ON r.scope = s.scope
    CROSS JOIN years y
    LEFT JOIN metric_tracked mt ON mt.metric = r.metric
    LEFT JOIN vals v ON v.scope = s.scope AND v.subject_id = s.subject_id
                    AND v.metric = r.metric AND v.year = y.year
)
SELECT scope, subject_id, year, rule_id, metric, op, value, threshold,
       coalesce(CASE op
                    WHEN '>=' THEN value >= threshold
                    WHEN '>' THEN value > threshold
                    WHEN '<=' THEN value <= threshold
                    WHEN '<' THEN value < threshold
                    WHEN '=' THEN value = threshold
                END, false) AS triggered
FROM rows
ORDER BY scope, subject_id, year, rule_id;
