-- The 12-month moving average of monthly petitions drawn beside the monthly counts (overview
-- and unit pages): per unit, rollup and month, the mean of the petitions of that month and
-- the 11 months before it; NULL until 12 months of data exist (the first 11 months of the
-- data). mart.volume has a row for every month from the first month of the data (zeros, not
-- missing rows), so the 12 rows of the window are the 12 calendar months. The partial
-- as-of month (complete = false) gets no average: a few days' count would drag the line
-- down at its end; earlier windows never reach it, so every ma12 is of complete months.
CREATE OR REPLACE TABLE mart.volume_moving_average AS
SELECT unit_id, rollup, period_type, period, period_start, period_end, complete, petitions,
    CASE WHEN complete AND count(*) OVER w = 12 THEN avg(petitions) OVER w END AS ma12
FROM mart.volume
WHERE period_type = 'month'
WINDOW w AS (PARTITION BY unit_id, rollup ORDER BY period_start ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
ORDER BY unit_id, rollup, period_start;
