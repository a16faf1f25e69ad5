-- Commendation candidates (the quarterly review, SPEC §1 leadership: whom to commend): per
-- appraisal period and peer group, the units with the highest score among those eligible
-- for awards (eligible_for_awards, and no veto); ties are all candidates. Units without a
-- score are never candidates. A candidate must also be worth commending: its final_grade
-- at least getvariable('commend_min_grade') (appraisal.commend_min_grade, by the grade
-- bands' order; '' = no grade floor), and a peer group of at least 2 scored units, since
-- the best of one is no comparison. Rows are mart.appraisal's columns for the candidates.
CREATE OR REPLACE TABLE mart.commendation_candidates AS
WITH floor_grade AS (
    SELECT min(ord) AS floor_ord FROM mart.cfg_grades
    WHERE grade = CAST(getvariable('commend_min_grade') AS VARCHAR)
),
e AS (
    SELECT a.* FROM mart.appraisal a
    LEFT JOIN mart.cfg_grades g ON g.grade = a.final_grade
    CROSS JOIN floor_grade f
    WHERE coalesce(a.eligible_for_awards, true) AND NOT coalesce(a.veto, false)
      AND a.score IS NOT NULL AND isfinite(a.score)
      AND a.peer_size >= 2
      AND (f.floor_ord IS NULL OR g.ord <= f.floor_ord)
)
SELECT * FROM e
QUALIFY score = max(score) OVER (PARTITION BY period_type, period, peer_group)
ORDER BY period_type, period, peer_group, unit_id;
