-- Appraisal 绩效考核 (SPEC §6): deduction scoring per known unit on its own records
-- (rollup = false), for every quarter and year in mart.periods (partial ones too, with
-- their complete flag).
--
-- mart.appraisal_indicators: one row per unit, period and configured indicator with
--   value        the indicator in percent (a rate × 100; yoy_pct as is)
--   denominator  due | accept_due | petitions | first_contact_closed | feedback_due |
--                closed | rated | yoy_base (the base period's petitions) | petitioners
--   available    value not NULL and denominator >= min_n
--   points       higher: max(0, w − k·max(0, t − v)); lower: max(0, w − k·max(0, v − t));
--                NULL when not available.
-- mart.appraisal: score = round(100·Σpoints/Σw over available indicators, 9) (NULL if
-- none), grade = the band with the highest min_score <= score, veto = any unit-scope rule
-- triggered in the period's year (as of as_of), final_grade = the worse (higher ord) of
-- grade and grade_cap when vetoed, eligible_for_awards = NOT veto, rank = competition rank
-- by score within peer_group (sector/level) regardless of veto, peer_size = scored units in
-- the group.
CREATE OR REPLACE TABLE mart.appraisal_indicators AS
WITH
base AS (
    SELECT u.unit_id, k.period_type, k.period, k.period_start, k.period_end, k.complete
    FROM mart.units_known u
    JOIN mart.row_keys k ON k.unit_id = u.unit_id AND NOT k.rollup
    WHERE k.period_type IN ('quarter', 'year')
),
vals AS (
    SELECT unit_id, period_type, period, 'on_time_rate' AS indicator,
           100 * on_time_rate AS value, due AS denominator
    FROM mart.timeliness WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'acceptance_rate', 100 * acceptance_rate, accept_due
    FROM mart.acceptance WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'repeat_rate', 100 * repeat_rate, petitions
    FROM mart.repeat WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'repeat_petitioner_rate', 100 * repeat_petitioner_rate, petitioners
    FROM mart.repeat WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'first_contact_rate', 100 * first_contact_rate, first_contact_closed
    FROM mart.closure WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'followup_rate', 100 * followup_rate, closed
    FROM mart.closure WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'satisfaction_rate', 100 * satisfaction_rate, rated
    FROM mart.closure WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'not_ceased_rate', 100 * not_ceased_rate, closed
    FROM mart.closure WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'feedback_rate', 100 * feedback_rate, feedback_due
    FROM mart.feedback WHERE NOT rollup
    UNION ALL
    SELECT unit_id, period_type, period, 'yoy_pct', yoy_pct, yoy_base
    FROM mart.volume WHERE NOT rollup
),
scored AS (
    SELECT b.unit_id, b.period_type, b.period, b.period_start, b.period_end, b.complete,
           i.indicator, i.ord,
           CAST(v.value AS DOUBLE) AS value, CAST(v.denominator AS BIGINT) AS denominator,
           coalesce(v.value IS NOT NULL AND v.denominator >= getvariable('min_n'), false) AS available,
           i.weight, i.target, i.direction, i.k
    FROM base b
    CROSS JOIN mart.cfg_indicators i
    LEFT JOIN vals v ON v.unit_id = b.unit_id AND v.period_type = b.period_type
                    AND v.period = b.period AND v.indicator = i.indicator
)
SELECT unit_id, false AS rollup, period_type, period, period_start, period_end, complete,
       indicator, ord, value, denominator, available, weight, target, direction, k,
       CASE WHEN available THEN
           greatest(0.0, weight - k * greatest(0.0, CASE direction WHEN 'lower' THEN value - target
                                                                  ELSE target - value END))
       END AS points
FROM scored
ORDER BY unit_id, period_type, period_start, ord;

CREATE OR REPLACE TABLE mart.appraisal AS
WITH
base AS (
    SELECT u.unit_id, k.period_type, k.period, k.period_start, k.period_end, k.complete,
           u.sector, u.level,
           coalesce(u.sector, '') || '/' || coalesce(u.level, '') AS peer_group
    FROM mart.units_known u
    JOIN mart.row_keys k ON k.unit_id = u.unit_id AND NOT k.rollup
    WHERE k.period_type IN ('quarter', 'year')
),
sc AS (
    SELECT unit_id, period_type, period,
           round(100 * sum(points) FILTER (WHERE available)
                 / nullif(sum(weight) FILTER (WHERE available), 0), 9) AS score,
           count(*) FILTER (WHERE available) AS indicators_available
    FROM mart.appraisal_indicators
    GROUP BY ALL
),
graded AS (
    -- the band with the highest min_score at or below the score
    SELECT unit_id, period_type, period, grade, ord AS grade_ord
    FROM (
        SELECT sc.unit_id, sc.period_type, sc.period, g.grade, g.ord,
               row_number() OVER (PARTITION BY sc.unit_id, sc.period_type, sc.period
                                  ORDER BY g.min_score DESC, g.ord) AS rn
        FROM sc JOIN mart.cfg_grades g ON g.min_score <= sc.score
    )
    WHERE rn = 1
),
vetoed AS (
    SELECT subject_id AS unit_id, year, bool_or(triggered) AS veto
    FROM mart.veto WHERE scope = 'unit'
    GROUP BY ALL
),
cap AS (
    SELECT min(ord) AS cap_ord FROM mart.cfg_grades WHERE grade = getvariable('grade_cap')
),
joined AS (
    SELECT b.*, sc.score, g.grade, g.grade_ord,
           coalesce(v.veto, false) AS veto,
           coalesce(sc.indicators_available, 0) AS indicators_available
    FROM base b
    LEFT JOIN sc USING (unit_id, period_type, period)
    LEFT JOIN graded g USING (unit_id, period_type, period)
    LEFT JOIN vetoed v ON v.unit_id = b.unit_id AND v.year = year(b.period_start)
)
SELECT j.unit_id, false AS rollup, j.period_type, j.period, j.period_start, j.period_end,
       j.complete, j.sector, j.level, j.peer_group, j.score, j.grade, j.veto,
       CASE WHEN j.veto AND j.grade IS NOT NULL AND c.cap_ord IS NOT NULL AND j.grade_ord < c.cap_ord
            THEN CAST(getvariable('grade_cap') AS VARCHAR)
            ELSE j.grade END AS final_grade,
       NOT j.veto AS eligible_for_awards,
       CASE WHEN j.score IS NOT NULL THEN
           CAST(rank() OVER (PARTITION BY j.period_type, j.period, j.peer_group, j.score IS NULL
                             ORDER BY j.score DESC) AS INTEGER)
       END AS rank,
       CAST(count(j.score) OVER (PARTITION BY j.period_type, j.period, j.peer_group) AS INTEGER) AS peer_size,
       CAST(j.indicators_available AS INTEGER) AS indicators_available
FROM joined j
CROSS JOIN cap c
ORDER BY j.period_type, j.period_start, j.peer_group, rank NULLS LAST, j.unit_id;
