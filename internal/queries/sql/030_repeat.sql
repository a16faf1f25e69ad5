-- Repeat visits (重复信访), SPEC §4, per period of the received date. The repeat flag is
-- decided once in 000_base.sql (mart.records.is_repeat). Everything here counts only records
-- whose source maps petitioner_id (blank petitioners stay in the petitions denominator) and is
-- NULL in every row when no source with records maps it.

CREATE OR REPLACE TEMP TABLE rep_um AS
SELECT unit_id, date_trunc('month', received_date)::DATE AS month_start,
       count(*) AS petitions,
       count(*) FILTER (WHERE is_repeat) AS repeat_petitions
FROM mart.records
WHERE t_petitioner_id
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE rep_agg AS
SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
       sum(um.petitions) AS petitions, sum(um.repeat_petitions) AS repeat_petitions
FROM rep_um um
JOIN mart.unit_scope s ON s.member_unit_id = um.unit_id
JOIN mart.period_months pm ON pm.month_start = um.month_start
GROUP BY ALL;

CREATE OR REPLACE TABLE mart.repeat AS
WITH x AS (
    SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
        CASE WHEN tr.petitioner_id THEN coalesce(a.petitions, 0) END::BIGINT AS petitions,
        CASE WHEN tr.petitioner_id THEN coalesce(a.repeat_petitions, 0) END::BIGINT AS repeat_petitions,
        CASE WHEN tr.petitioner_id THEN coalesce(p.petitioners, 0) END::BIGINT AS petitioners,
        CASE WHEN tr.petitioner_id THEN coalesce(p.repeat_petitioners, 0) END::BIGINT AS repeat_petitioners
    FROM mart.row_keys k
    CROSS JOIN mart.tracked_row tr
    LEFT JOIN rep_agg a USING (unit_id, rollup, period_type, period)
    LEFT JOIN mart.petitioner_counts p USING (unit_id, rollup, period_type, period)
)
SELECT unit_id, rollup, period_type, period, period_start, period_end, complete,
    petitions, repeat_petitions,
    CASE WHEN petitions > 0 THEN repeat_petitions::DOUBLE / petitions END AS repeat_rate,
    petitioners, repeat_petitioners,
    CASE WHEN petitioners > 0 THEN repeat_petitioners::DOUBLE / petitioners END AS repeat_petitioner_rate
FROM x
ORDER BY unit_id, rollup, period_type, period_start;

DROP TABLE IF EXISTS rep_um;
DROP TABLE IF EXISTS rep_agg;
