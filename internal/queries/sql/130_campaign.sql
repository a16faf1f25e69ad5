-- Campaigns (联合接访 and other drives), SPEC §9: mart.campaign and mart.campaign_groups.
--
-- A campaign {id, name, start, end, units} (mart.cfg_campaigns, mart.cfg_campaign_units; a
-- listed unit takes its descendants with it, '*' every known unit) has, as of as_of:
--   W = start .. least(end, as_of)  (no row at all when as_of < start); days = W's length;
--   B = the same month-days a year earlier (start − 1 year, 29 Feb → 28 Feb .. end − 1 year),
--       cut to its first `days` days;
--   P = the `days` days immediately before start.
-- Per campaign and row key (every known unit × rollup false/true, and ALL): participating
-- (the unit or an ancestor is listed; ALL only with '*'), days, petitions_w/_b/_p (received in
-- each window), change_yoy_pct = 100·(w − b)/b and change_prev_pct = 100·(w − p)/p (NULL on a
-- zero base), backlog (received before start, not closed before start), backlog_cleared (of
-- those, closed within W), overdue_backlog (of the backlog, handle_deadline before start),
-- overdue_cleared, their clearance rates (NULL when the backlog is 0), repeat_rate_w/_b (§4
-- repeats ÷ petitions received in W / B). As in §4: backlog columns count records whose source
-- maps closed_at and are NULL when none does; repeat rates likewise for petitioner_id.
-- mart.campaign_groups: per campaign, the participating known units' own records summed
-- (group 'participating') and the other known units' (group 'other'); did_pct on the
-- participating row = its change_yoy_pct − the other row's.

CREATE OR REPLACE TEMP TABLE camp_win AS
WITH c AS (
    SELECT campaign_id, name, ord, start_date, end_date,
           least(end_date, getvariable('as_of')::DATE) AS w_end,
           CAST(least(end_date, getvariable('as_of')::DATE) - start_date + 1 AS INTEGER) AS days,
           -- DuckDB's date − INTERVAL 1 YEAR turns 29 Feb into 28 Feb
           CAST(start_date - INTERVAL 1 YEAR AS DATE) AS b_start,
           CAST(end_date - INTERVAL 1 YEAR AS DATE) AS b_full_end
    FROM mart.cfg_campaigns
    WHERE start_date <= getvariable('as_of')::DATE
)
SELECT campaign_id, name, ord, start_date, end_date, start_date AS w_start, w_end, days,
       b_start, least(b_full_end, b_start + (days - 1)) AS b_end,
       start_date - days AS p_start, start_date - 1 AS p_end
FROM c;

-- Participating known units per campaign.
CREATE OR REPLACE TEMP TABLE camp_part AS
SELECT DISTINCT w.campaign_id, a.unit_id
FROM camp_win w
JOIN mart.cfg_campaign_units cu ON cu.campaign_id = w.campaign_id
JOIN mart.unit_ancestors a ON cu.unit_id = '*' OR a.ancestor_id = cu.unit_id;

-- Counts per campaign and record unit (known or not): received in W, B, P and the repeats.
CREATE OR REPLACE TEMP TABLE camp_vol AS
SELECT w.campaign_id, r.unit_id,
       count(*) FILTER (WHERE r.received_date BETWEEN w.w_start AND w.w_end) AS petitions_w,
       count(*) FILTER (WHERE r.received_date BETWEEN w.b_start AND w.b_end) AS petitions_b,
       count(*) FILTER (WHERE r.received_date BETWEEN w.p_start AND w.p_end) AS petitions_p,
       count(*) FILTER (WHERE r.t_petitioner_id AND r.received_date BETWEEN w.w_start AND w.w_end) AS rep_den_w,
       count(*) FILTER (WHERE r.is_repeat AND r.received_date BETWEEN w.w_start AND w.w_end) AS rep_w,
       count(*) FILTER (WHERE r.t_petitioner_id AND r.received_date BETWEEN w.b_start AND w.b_end) AS rep_den_b,
       count(*) FILTER (WHERE r.is_repeat AND r.received_date BETWEEN w.b_start AND w.b_end) AS rep_b
FROM mart.records r
JOIN camp_win w
  ON r.received_date BETWEEN least(w.b_start, w.p_start) AND w.w_end
GROUP BY ALL;

-- The backlog at start (closed_date is already NULL when after as_of; start <= as_of).
CREATE OR REPLACE TEMP TABLE camp_bl AS
SELECT w.campaign_id, d.unit_id,
       count(*) AS backlog,
       count(*) FILTER (WHERE d.closed_date BETWEEN w.w_start AND w.w_end) AS backlog_cleared,
       count(*) FILTER (WHERE d.handle_deadline < w.start_date) AS overdue_backlog,
       count(*) FILTER (WHERE d.handle_deadline < w.start_date
                        AND d.closed_date BETWEEN w.w_start AND w.w_end) AS overdue_cleared
FROM mart.record_deadlines d
JOIN camp_win w
  ON d.received_date < w.start_date
WHERE d.t_closed_at AND (d.closed_date IS NULL OR d.closed_date >= w.start_date)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE camp_cu AS
SELECT coalesce(v.campaign_id, b.campaign_id) AS campaign_id,
       coalesce(v.unit_id, b.unit_id) AS unit_id,
       coalesce(v.petitions_w, 0) AS petitions_w, coalesce(v.petitions_b, 0) AS petitions_b,
       coalesce(v.petitions_p, 0) AS petitions_p,
       coalesce(v.rep_den_w, 0) AS rep_den_w, coalesce(v.rep_w, 0) AS rep_w,
       coalesce(v.rep_den_b, 0) AS rep_den_b, coalesce(v.rep_b, 0) AS rep_b,
       coalesce(b.backlog, 0) AS backlog, coalesce(b.backlog_cleared, 0) AS backlog_cleared,
       coalesce(b.overdue_backlog, 0) AS overdue_backlog, coalesce(b.overdue_cleared, 0) AS overdue_cleared
FROM camp_vol v
FULL JOIN camp_bl b ON b.campaign_id = v.campaign_id AND b.unit_id = v.unit_id;

-- Sums per output row key; camp_out(campaign_id, unit_id, rollup, grp, ...) is shared by both
-- tables below.
CREATE OR REPLACE TEMP TABLE camp_sum AS
SELECT x.campaign_id, s.unit_id, s.rollup,
       sum(petitions_w) AS petitions_w, sum(petitions_b) AS petitions_b, sum(petitions_p) AS petitions_p,
       sum(rep_den_w) AS rep_den_w, sum(rep_w) AS rep_w, sum(rep_den_b) AS rep_den_b, sum(rep_b) AS rep_b,
       sum(backlog) AS backlog, sum(backlog_cleared) AS backlog_cleared,
       sum(overdue_backlog) AS overdue_backlog, sum(overdue_cleared) AS overdue_cleared
FROM camp_cu x
JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE camp_grp AS
SELECT x.campaign_id, CASE WHEN p.unit_id IS NULL THEN 'other' ELSE 'participating' END AS grp,
       sum(petitions_w) AS petitions_w, sum(petitions_b) AS petitions_b, sum(petitions_p) AS petitions_p,
       sum(rep_den_w) AS rep_den_w, sum(rep_w) AS rep_w, sum(rep_den_b) AS rep_den_b, sum(rep_b) AS rep_b,
       sum(backlog) AS backlog, sum(backlog_cleared) AS backlog_cleared,
       sum(overdue_backlog) AS overdue_backlog, sum(overdue_cleared) AS overdue_cleared
FROM camp_cu x
JOIN mart.units_known u ON u.unit_id = x.unit_id
LEFT JOIN camp_part p ON p.campaign_id = x.campaign_id AND p.unit_id = x.unit_id
GROUP BY ALL;

CREATE OR REPLACE TEMP MACRO camp_pct(n, base) AS
    CASE WHEN base > 0 THEN 100.0 * (CAST(n AS DOUBLE) - CAST(base AS DOUBLE)) / CAST(base AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO camp_rate(n, d) AS
    CASE WHEN d > 0 THEN CAST(n AS DOUBLE) / CAST(d AS DOUBLE) END;

CREATE OR REPLACE TABLE mart.campaign AS
WITH k AS (
    SELECT w.campaign_id, u.unit_id, v.r AS rollup,
           p.unit_id IS NOT NULL AS participating
    FROM camp_win w
    CROSS JOIN mart.units_known u
    CROSS JOIN (VALUES (false), (true)) v(r)
    LEFT JOIN camp_part p ON p.campaign_id = w.campaign_id AND p.unit_id = u.unit_id
    UNION ALL
    SELECT w.campaign_id, 'ALL', true,
           EXISTS (SELECT 1 FROM mart.cfg_campaign_units cu WHERE cu.campaign_id = w.campaign_id AND cu.unit_id = '*')
    FROM camp_win w
),
x AS (
    SELECT w.campaign_id, w.name, w.ord, w.start_date, w.end_date, w.w_start, w.w_end, w.b_start, w.b_end,
           w.p_start, w.p_end, k.unit_id, k.rollup, k.participating, w.days,
           CAST(coalesce(s.petitions_w, 0) AS BIGINT) AS petitions_w,
           CAST(coalesce(s.petitions_b, 0) AS BIGINT) AS petitions_b,
           CAST(coalesce(s.petitions_p, 0) AS BIGINT) AS petitions_p,
           coalesce(s.rep_den_w, 0) AS rep_den_w, coalesce(s.rep_w, 0) AS rep_w,
           coalesce(s.rep_den_b, 0) AS rep_den_b, coalesce(s.rep_b, 0) AS rep_b,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.backlog, 0) AS BIGINT) END AS backlog,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.backlog_cleared, 0) AS BIGINT) END AS backlog_cleared,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.overdue_backlog, 0) AS BIGINT) END AS overdue_backlog,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.overdue_cleared, 0) AS BIGINT) END AS overdue_cleared,
           t.petitioner_id AS t_pet
    FROM k
    JOIN camp_win w USING (campaign_id)
    CROSS JOIN mart.tracked_row t
    LEFT JOIN camp_sum s ON s.campaign_id = k.campaign_id AND s.unit_id = k.unit_id AND s.rollup = k.rollup
)
SELECT campaign_id, name, start_date, end_date, w_start, w_end, b_start, b_end, p_start, p_end,
       unit_id, rollup, participating, days,
       petitions_w, petitions_b, petitions_p,
       camp_pct(petitions_w, petitions_b) AS change_yoy_pct,
       camp_pct(petitions_w, petitions_p) AS change_prev_pct,
       backlog, backlog_cleared, camp_rate(backlog_cleared, backlog) AS backlog_clearance_rate,
       overdue_backlog, overdue_cleared, camp_rate(overdue_cleared, overdue_backlog) AS overdue_clearance_rate,
       CASE WHEN t_pet THEN camp_rate(rep_w, rep_den_w) END AS repeat_rate_w,
       CASE WHEN t_pet THEN camp_rate(rep_b, rep_den_b) END AS repeat_rate_b
FROM x
ORDER BY ord, unit_id, rollup;

CREATE OR REPLACE TABLE mart.campaign_groups AS
WITH x AS (
    SELECT w.campaign_id, w.name, w.ord, w.start_date, w.end_date, w.w_start, w.w_end, w.b_start,
           w.b_end, w.p_start, w.p_end, g.grp AS "group", w.days,
           (SELECT count(*) FROM mart.units_known u
             WHERE (g.grp = 'participating') = EXISTS (
                   SELECT 1 FROM camp_part p WHERE p.campaign_id = w.campaign_id AND p.unit_id = u.unit_id)) AS units,
           CAST(coalesce(s.petitions_w, 0) AS BIGINT) AS petitions_w,
           CAST(coalesce(s.petitions_b, 0) AS BIGINT) AS petitions_b,
           CAST(coalesce(s.petitions_p, 0) AS BIGINT) AS petitions_p,
           coalesce(s.rep_den_w, 0) AS rep_den_w, coalesce(s.rep_w, 0) AS rep_w,
           coalesce(s.rep_den_b, 0) AS rep_den_b, coalesce(s.rep_b, 0) AS rep_b,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.backlog, 0) AS BIGINT) END AS backlog,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.backlog_cleared, 0) AS BIGINT) END AS backlog_cleared,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.overdue_backlog, 0) AS BIGINT) END AS overdue_backlog,
           CASE WHEN t.closed_at THEN CAST(coalesce(s.overdue_cleared, 0) AS BIGINT) END AS overdue_cleared,
           t.petitioner_id AS t_pet
    FROM camp_win w
    CROSS JOIN (VALUES ('participating'), ('other')) g(grp)
    CROSS JOIN mart.tracked_row t
    LEFT JOIN camp_grp s ON s.campaign_id = w.campaign_id AND s.grp = g.grp
),
y AS (
    SELECT campaign_id, name, ord, start_date, end_date, w_start, w_end, b_start, b_end, p_start, p_end,
           "group", CAST(units AS BIGINT) AS units, days, petitions_w, petitions_b, petitions_p,
           camp_pct(petitions_w, petitions_b) AS change_yoy_pct,
           camp_pct(petitions_w, petitions_p) AS change_prev_pct,
           backlog, backlog_cleared, camp_rate(backlog_cleared, backlog) AS backlog_clearance_rate,
           overdue_backlog, overdue_cleared, camp_rate(overdue_cleared, overdue_backlog) AS overdue_clearance_rate,
           CASE WHEN t_pet THEN camp_rate(rep_w, rep_den_w) END AS repeat_rate_w,
           CASE WHEN t_pet THEN camp_rate(rep_b, rep_den_b) END AS repeat_rate_b
    FROM x
)
SELECT p.campaign_id, p.name, p.start_date, p.end_date, p.w_start, p.w_end, p.b_start, p.b_end,
       p.p_start, p.p_end, p."group", p.units, p.days, p.petitions_w, p.petitions_b, p.petitions_p,
       p.change_yoy_pct, p.change_prev_pct, p.backlog, p.backlog_cleared, p.backlog_clearance_rate,
       p.overdue_backlog, p.overdue_cleared, p.overdue_clearance_rate, p.repeat_rate_w, p.repeat_rate_b,
       CASE WHEN p."group" = 'participating' THEN p.change_yoy_pct - o.change_yoy_pct END AS did_pct
FROM y p
JOIN y o ON o.campaign_id = p.campaign_id AND o."group" = 'other'
ORDER BY p.ord, p."group" DESC;

DROP TABLE IF EXISTS camp_win;
DROP TABLE IF EXISTS camp_part;
DROP TABLE IF EXISTS camp_vol;
DROP TABLE IF EXISTS camp_bl;
DROP TABLE IF EXISTS camp_cu;
DROP TABLE IF EXISTS camp_sum;
DROP TABLE IF EXISTS camp_grp;
DROP MACRO IF EXISTS camp_pct;
DROP MACRO IF EXISTS camp_rate;
