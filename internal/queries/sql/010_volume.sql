-- Volume (信访总量), SPEC §4: per period of received_date.
-- petitions, petitioners (distinct non-blank; NULL when petitioner_id is not tracked),
-- persons (sum of headcount, blank 1), collective_visits (channel visit and headcount >=
-- collective_min_headcount; NULL when channel is not tracked), yoy_pct / pop_pct on
-- petitions with like-for-like bases for the partial periods (those containing as_of).

-- Per unit and month first; the scope join then only multiplies these small rows.
CREATE OR REPLACE TEMP TABLE vol_um AS
SELECT unit_id, date_trunc('month', received_date)::DATE AS month_start,
       count(*) AS petitions,
       sum(headcount) AS persons,
       count(*) FILTER (WHERE channel = 'visit'
                        AND headcount >= getvariable('collective_min_headcount')) AS collective_visits
FROM mart.records
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE vol_agg AS
SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
       sum(um.petitions) AS petitions, sum(um.persons) AS persons,
       sum(um.collective_visits) AS collective_visits
FROM vol_um um
JOIN mart.unit_scope s ON s.member_unit_id = um.unit_id
JOIN mart.period_months pm ON pm.month_start = um.month_start
GROUP BY ALL;

-- Like-for-like bases for the partial periods (at most one month, quarter and year):
-- yoy: the same period a year earlier up to as_of's month-day a year earlier (29 Feb ->
-- 28 Feb, which DuckDB's date - INTERVAL 1 YEAR gives); pop: the previous period's first
-- (as_of - period_start + 1) days, or all of it when it is shorter.
CREATE OR REPLACE TEMP TABLE vol_cut AS
WITH c AS (
    SELECT period_type, period,
        (period_start - INTERVAL 1 YEAR)::DATE AS yoy_start,
        least((period_start - INTERVAL 1 YEAR + CASE period_type WHEN 'month' THEN INTERVAL 1 MONTH
                  WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END - INTERVAL 1 DAY)::DATE,
              (getvariable('as_of') - INTERVAL 1 YEAR)::DATE) AS yoy_end,
        (period_start - CASE period_type WHEN 'month' THEN INTERVAL 1 MONTH
                  WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END)::DATE AS pop_start,
        least(period_start - 1,
              (period_start - CASE period_type WHEN 'month' THEN INTERVAL 1 MONTH
                  WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END)::DATE
              + (getvariable('as_of') - period_start)::INTEGER) AS pop_end
    FROM mart.periods
    WHERE NOT complete
),
per_unit AS (
    SELECT r.unit_id, c.period_type, c.period,
        count(*) FILTER (WHERE r.received_date BETWEEN c.yoy_start AND c.yoy_end) AS yoy_base,
        count(*) FILTER (WHERE r.received_date BETWEEN c.pop_start AND c.pop_end) AS pop_base
    FROM mart.records r
    JOIN c ON r.received_date BETWEEN least(c.yoy_start, c.pop_start) AND greatest(c.yoy_end, c.pop_end)
    GROUP BY ALL
)
SELECT s.unit_id, s.rollup, p.period_type, p.period, sum(p.yoy_base) AS yoy_base, sum(p.pop_base) AS pop_base
FROM per_unit p
JOIN mart.unit_scope s ON s.member_unit_id = p.unit_id
GROUP BY ALL;

CREATE OR REPLACE TABLE mart.volume AS
WITH base AS (
    SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
        coalesce(a.petitions, 0)::BIGINT AS petitions,
        CASE WHEN tr.petitioner_id THEN coalesce(p.petitioners, 0) END::BIGINT AS petitioners,
        coalesce(a.persons, 0)::BIGINT AS persons,
        CASE WHEN tr.channel THEN coalesce(a.collective_visits, 0) END::BIGINT AS collective_visits
    FROM mart.row_keys k
    CROSS JOIN mart.tracked_row tr
    LEFT JOIN vol_agg a USING (unit_id, rollup, period_type, period)
    LEFT JOIN mart.petitioner_counts p USING (unit_id, rollup, period_type, period)
),
bases AS (
    SELECT b.*,
        (CASE WHEN b.complete THEN coalesce(y.petitions, 0) ELSE coalesce(c.yoy_base, 0) END)::BIGINT AS yoy_base,
        (CASE WHEN b.complete THEN coalesce(q.petitions, 0) ELSE coalesce(c.pop_base, 0) END)::BIGINT AS pop_base
    FROM base b
    LEFT JOIN base y ON y.unit_id = b.unit_id AND y.rollup = b.rollup AND y.period_type = b.period_type
        AND y.period_start = (b.period_start - INTERVAL 1 YEAR)::DATE
    LEFT JOIN base q ON q.unit_id = b.unit_id AND q.rollup = b.rollup AND q.period_type = b.period_type
        AND q.period_start = (b.period_start - CASE b.period_type WHEN 'month' THEN INTERVAL 1 MONTH
                  WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END)::DATE
    LEFT JOIN vol_cut c ON c.unit_id = b.unit_id AND c.rollup = b.rollup
        AND c.period_type = b.period_type AND c.period = b.period
)
SELECT unit_id, rollup, period_type, period, period_start, period_end, complete,
    petitions, petitioners, persons, collective_visits,
    CASE WHEN yoy_base > 0 THEN (petitions - yoy_base)::DOUBLE * 100 / yoy_base END AS yoy_pct,
    CASE WHEN pop_base > 0 THEN (petitions - pop_base)::DOUBLE * 100 / pop_base END AS pop_pct,
    yoy_base, pop_base
FROM bases
ORDER BY unit_id, rollup, period_type, period_start;

-- Breakdowns by channel and by category: every period key x every value seen in records
-- whose source maps the field (NULL = blank, a value of its own). Empty when no source
-- with records maps the field.
-- Stored sparse, as the cells with records (mart.volume_by_<field>_cells: the value's
-- petitions and persons per period key); the dense grid is a view over them and
-- mart.row_keys, so a build does not write ~1.3M mostly-zero rows (893K + 406K at any
-- scale, half the cost of this file at 1M records) and a reader filtered on a unit or
-- period reads only its part of the grid.
-- Only sums that add several rows are grouped: a month is its own month period, and a
-- scope with one member (rollup false; rollup true of a unit without descendants) is that
-- member's rows, so those pass straight through (a third less CPU than grouping every
-- unit-month row under every scope and period).
CREATE OR REPLACE TEMP TABLE scope_members AS
SELECT unit_id, rollup, member_unit_id, count(*) OVER (PARTITION BY unit_id, rollup) AS members
FROM mart.unit_scope;

-- Both breakdowns in one pass and one table: (dim, value) is ('channel', channel) or
-- ('category', category), each over the records of the sources that map that field (a
-- group with no such record is dropped: it has no cell). The two cell marts are views
-- onto it.
CREATE OR REPLACE TABLE mart.volume_by_dim_cells AS
WITH um AS (
    SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'category' END AS dim,
           unit_id, month_start,
           CASE WHEN grouping(channel) = 0 THEN channel ELSE category END AS value,
           CASE WHEN grouping(channel) = 0 THEN count(*) FILTER (WHERE t_channel)
                ELSE count(*) FILTER (WHERE t_category) END AS petitions,
           CASE WHEN grouping(channel) = 0 THEN sum(headcount) FILTER (WHERE t_channel)
                ELSE sum(headcount) FILTER (WHERE t_category) END AS persons
    FROM (SELECT unit_id, date_trunc('month', received_date)::DATE AS month_start, channel, category,
                 headcount, t_channel, t_category
          FROM mart.records WHERE t_channel OR t_category)
    GROUP BY GROUPING SETS ((unit_id, month_start, channel), (unit_id, month_start, category))
    HAVING petitions > 0
),
up AS (
    SELECT um.dim, um.unit_id, pm.period_type, pm.period, um.value, um.petitions, um.persons
    FROM um JOIN mart.period_months pm ON pm.month_start = um.month_start AND pm.period_type = 'month'
    UNION ALL
    SELECT um.dim, um.unit_id, pm.period_type, pm.period, um.value, sum(um.petitions), sum(um.persons)
    FROM um JOIN mart.period_months pm ON pm.month_start = um.month_start AND pm.period_type <> 'month'
    GROUP BY ALL
)
SELECT up.dim, s.unit_id, s.rollup, up.period_type, up.period, up.value,
       up.petitions::BIGINT AS petitions, up.persons::BIGINT AS persons
FROM up JOIN scope_members s ON s.member_unit_id = up.unit_id AND s.members = 1
UNION ALL
SELECT up.dim, s.unit_id, s.rollup, up.period_type, up.period, up.value,
       sum(up.petitions)::BIGINT, sum(up.persons)::BIGINT
FROM up JOIN scope_members s ON s.member_unit_id = up.unit_id AND s.members > 1
GROUP BY ALL;

CREATE OR REPLACE VIEW mart.volume_by_channel_cells AS
SELECT unit_id, rollup, period_type, period, value AS channel, petitions, persons
FROM mart.volume_by_dim_cells WHERE dim = 'channel';

CREATE OR REPLACE VIEW mart.volume_by_category_cells AS
SELECT unit_id, rollup, period_type, period, value AS category, petitions, persons
FROM mart.volume_by_dim_cells WHERE dim = 'category';

-- Every value seen has a cell: each record's month is a period month and its unit is in
-- the ALL scope, so the values of the cells are the values of the records.
CREATE OR REPLACE VIEW mart.volume_by_channel AS
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
    v.channel, coalesce(a.petitions, 0)::BIGINT AS petitions, coalesce(a.persons, 0)::BIGINT AS persons
FROM mart.row_keys k
CROSS JOIN (SELECT DISTINCT channel FROM mart.volume_by_channel_cells) v
LEFT JOIN mart.volume_by_channel_cells a ON a.unit_id = k.unit_id AND a.rollup = k.rollup
    AND a.period_type = k.period_type AND a.period = k.period AND a.channel IS NOT DISTINCT FROM v.channel;

CREATE OR REPLACE VIEW mart.volume_by_category AS
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
    v.category, coalesce(a.petitions, 0)::BIGINT AS petitions, coalesce(a.persons, 0)::BIGINT AS persons
FROM mart.row_keys k
CROSS JOIN (SELECT DISTINCT category FROM mart.volume_by_category_cells) v
LEFT JOIN mart.volume_by_category_cells a ON a.unit_id = k.unit_id AND a.rollup = k.rollup
    AND a.period_type = k.period_type AND a.period = k.period AND a.category IS NOT DISTINCT FROM v.category;

DROP TABLE IF EXISTS vol_um;
DROP TABLE IF EXISTS vol_agg;
DROP TABLE IF EXISTS vol_cut;
DROP TABLE IF EXISTS scope_members;
