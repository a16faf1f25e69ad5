-- Commendation candidates (the quarterly review, SPEC §1 leadership: whom to commend): per
-- appraisal period and peer group, the units with the highest score among those eligible
-- for awards (eligible_for_awards, and no veto); ties are all candidates. Units without a
-- score are never candidates. Rows are mart.appraisal's columns for the candidates.
CREATE OR REPLACE TABLE mart.commendation_candidates AS
WITH e AS (
    SELECT * FROM mart.appraisal
    WHERE coalesce(eligible_for_awards, true) AND NOT coalesce(veto, false)
      AND score IS NOT NULL AND isfinite(score)
)
SELECT * FROM e
QUALIFY score = max(score) OVER (PARTITION BY period_type, period, peer_group)
ORDER BY period_type, period, peer_group, unit_id;
