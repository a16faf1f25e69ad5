-- Weekly petitions around each campaign (SPEC §9, the campaign page's chart): mart.campaign_weekly.
--
-- Per campaign of mart.campaign (so only campaigns started by as_of), three consecutive windows:
--   P     = p_start .. p_end (the `days` days before start, as in mart.campaign);
--   W     = w_start .. w_end (start .. least(end, as_of));
--   after = end + 1 .. least(as_of, end + days) (only when the campaign ended before as_of;
--           at most as long as W, so the chart stays about the window).
-- Each window is cut into weeks counted from its own first day (week_no 0, 1, …): week_start =
-- window start + 7·week_no, week_end = least(week_start + 6, window end), days = its length
-- (the last week of a window may be shorter than 7 days). petitions = records received
-- (received_date) in the week, for three series: 'ALL' (every record, unknown units too),
-- 'participating' and 'other' (the own records of the known units with participating true /
-- false in mart.campaign, as mart.campaign_groups). Every week has a row per series, zeros
-- included.
CREATE OR REPLACE TABLE mart.campaign_weekly AS
WITH c AS (
    SELECT campaign_id, start_date, end_date, w_start, w_end, p_start, p_end, days
    FROM mart.campaign
    WHERE unit_id = 'ALL'
),
win AS (
    SELECT campaign_id, 'P' AS "window", 0 AS word, p_start AS ws, p_end AS we FROM c
    UNION ALL
    SELECT campaign_id, 'W', 1, w_start, w_end FROM c
    UNION ALL
    SELECT campaign_id, 'after', 2, end_date + 1, least(getvariable('as_of')::DATE, end_date + days)
    FROM c
    WHERE end_date < getvariable('as_of')::DATE
),
weeks AS (
    SELECT w.campaign_id, w."window", w.word, CAST(g.k AS INTEGER) AS week_no,
           CAST(w.ws + CAST(7 * g.k AS INTEGER) AS DATE) AS week_start,
           CAST(least(w.ws + CAST(7 * g.k + 6 AS INTEGER), w.we) AS DATE) AS week_end
    FROM win w, range(0, CAST((w.we - w.ws) // 7 + 1 AS BIGINT)) g(k)
),
part AS (
    SELECT campaign_id, unit_id, participating
    FROM mart.campaign
    WHERE NOT rollup AND unit_id <> 'ALL'
),
cnt AS (
    SELECT wk.campaign_id, wk.week_start,
           count(*) AS all_n,
           count(*) FILTER (WHERE p.participating) AS part_n,
           count(*) FILTER (WHERE NOT p.participating) AS other_n
    FROM weeks wk
    JOIN mart.records r ON r.received_date BETWEEN wk.week_start AND wk.week_end
    LEFT JOIN part p ON p.campaign_id = wk.campaign_id AND p.unit_id = r.unit_id
    GROUP BY ALL
)
SELECT wk.campaign_id, s.series, wk."window", wk.week_no, wk.week_start, wk.week_end,
       CAST(wk.week_end - wk.week_start + 1 AS INTEGER) AS days,
       CAST(coalesce(CASE s.series WHEN 'ALL' THEN n.all_n WHEN 'participating' THEN n.part_n ELSE n.other_n END, 0) AS BIGINT) AS petitions
FROM weeks wk
CROSS JOIN (VALUES ('ALL', 0), ('participating', 1), ('other', 2)) s(series, sord)
LEFT JOIN cnt n ON n.campaign_id = wk.campaign_id AND n.week_start = wk.week_start
ORDER BY wk.campaign_id, s.sord, wk.week_start;
