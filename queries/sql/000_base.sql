-- Staging tables shared by every metric; see docs/METRICS.md "Staging".
-- Reads the raw tables (sources, units, petitions) and the variables set by queries.Build.
CREATE SCHEMA IF NOT EXISTS mart;

-- Known units with their depth (root = 0) and path (root/.../unit). A parent_id that is
-- blank, unknown or part of a cycle ends the chain.
CREATE OR REPLACE TABLE mart.unit_ancestors AS
WITH RECURSIVE u AS (
    SELECT unit_id, NULLIF(trim(parent_id), '') AS parent_id FROM units
),
anc(unit_id, ancestor_id, dist, seen) AS (
    SELECT unit_id, unit_id, 0, [unit_id] FROM u
    UNION ALL
    SELECT a.unit_id, x.parent_id, a.dist + 1, list_append(a.seen, x.parent_id)
    FROM anc a
    JOIN u x ON x.unit_id = a.ancestor_id
    JOIN u p ON p.unit_id = x.parent_id
    WHERE NOT list_contains(a.seen, x.parent_id)
)
SELECT unit_id, ancestor_id, dist, seen FROM anc;

CREATE OR REPLACE TABLE mart.units_known AS
SELECT u.unit_id, u.name, NULLIF(trim(u.parent_id), '') AS parent_id, u.level, u.sector, u.staff,
       d.depth, d.path
FROM units u
JOIN (
    SELECT unit_id, max(dist) AS depth,
           arg_max(array_to_string(list_reverse(seen), '/'), dist) AS path
    FROM mart.unit_ancestors GROUP BY unit_id
) d USING (unit_id);

-- One row per petition received on or before as_of. Later events count as not happened.
CREATE OR REPLACE TEMP TABLE base_b AS
WITH src AS (
    -- tracked flags per source (evaluated once per source, not per record)
    SELECT source,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'petitioner_id') AS t_petitioner_id,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'matter_id') AS t_matter_id,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'channel') AS t_channel,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'category') AS t_category,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'headcount') AS t_headcount,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'source_type') AS t_source_type,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'feedback_due') AS t_feedback_due,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'feedback_at') AS t_feedback_at,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'accepted_at') AS t_accepted_at,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'due_at') AS t_due_at,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'extension_days') AS t_extension_days,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'closed_at') AS t_closed_at,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'justified') AS t_justified,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'satisfaction') AS t_satisfaction,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'followup_at') AS t_followup_at,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'listed_supervision') AS t_listed_supervision,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'leader_owner') AS t_leader_owner,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'handler_id') AS t_handler_id,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'mass_incident') AS t_mass_incident,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'traced_fault') AS t_traced_fault,
        list_contains(coalesce(mapped_fields, []::VARCHAR[]), 'updated_at') AS t_updated_at
    FROM sources
),
-- Raw rows up to as_of with the tracked flags; fields a source does not map are
-- treated as NULL whatever the row holds (ingest never loads them anyway).
b0 AS (
    SELECT p.*,
        p.unit_id IN (SELECT unit_id FROM units) AS known_unit,
        coalesce(s.t_petitioner_id, false) AS t_petitioner_id,
        coalesce(s.t_matter_id, false) AS t_matter_id,
        coalesce(s.t_channel, false) AS t_channel,
        coalesce(s.t_category, false) AS t_category,
        coalesce(s.t_headcount, false) AS t_headcount,
        coalesce(s.t_source_type, false) AS t_source_type,
        coalesce(s.t_feedback_due, false) AS t_feedback_due,
        coalesce(s.t_feedback_at, false) AS t_feedback_at,
        coalesce(s.t_accepted_at, false) AS t_accepted_at,
        coalesce(s.t_due_at, false) AS t_due_at,
        coalesce(s.t_extension_days, false) AS t_extension_days,
        coalesce(s.t_closed_at, false) AS t_closed_at,
        coalesce(s.t_justified, false) AS t_justified,
        coalesce(s.t_satisfaction, false) AS t_satisfaction,
        coalesce(s.t_followup_at, false) AS t_followup_at,
        coalesce(s.t_listed_supervision, false) AS t_listed_supervision,
        coalesce(s.t_leader_owner, false) AS t_leader_owner,
        coalesce(s.t_handler_id, false) AS t_handler_id,
        coalesce(s.t_mass_incident, false) AS t_mass_incident,
        coalesce(s.t_traced_fault, false) AS t_traced_fault,
        coalesce(s.t_updated_at, false) AS t_updated_at
    FROM petitions p
    LEFT JOIN src s USING (source)
    WHERE p.received_date <= getvariable('as_of')
),
b1 AS (
    SELECT source, petition_id, unit_id, known_unit, received_at, received_date,
        CASE WHEN t_petitioner_id THEN NULLIF(trim(petitioner_id), '') END AS petitioner_id,
        CASE WHEN t_matter_id THEN NULLIF(trim(matter_id), '') END AS matter_id,
        CASE WHEN t_channel THEN NULLIF(trim(channel), '') END AS channel,
        CASE WHEN t_category THEN NULLIF(trim(category), '') END AS category,
        coalesce(CASE WHEN t_headcount THEN headcount END, 1) AS headcount,
        CASE WHEN t_source_type THEN NULLIF(trim(source_type), '') END AS source_type,
        CASE WHEN t_listed_supervision THEN listed_supervision END AS listed_supervision,
        CASE WHEN t_leader_owner THEN NULLIF(trim(leader_owner), '') END AS leader_owner,
        CASE WHEN t_handler_id THEN NULLIF(trim(handler_id), '') END AS handler_id,
        CASE WHEN t_mass_incident THEN mass_incident END AS mass_incident,
        CASE WHEN t_traced_fault THEN traced_fault END AS traced_fault,
        CASE WHEN t_justified THEN NULLIF(trim(justified), '') END AS justified,
        CASE WHEN t_satisfaction THEN NULLIF(trim(satisfaction), '') END AS satisfaction,
        CASE WHEN t_accepted_at AND accepted_at <= getvariable('as_of') THEN accepted_at END AS accepted_date,
        CASE WHEN t_closed_at AND closed_date <= getvariable('as_of') THEN closed_date END AS closed_date,
        CASE WHEN t_feedback_at AND feedback_at <= getvariable('as_of') THEN feedback_at END AS feedback_date,
        CASE WHEN t_followup_at AND followup_at <= getvariable('as_of') THEN followup_at END AS followup_date,
        CASE WHEN t_due_at THEN due_at END AS due_at,
        least(greatest(coalesce(CASE WHEN t_extension_days THEN extension_days END, 0), 0),
              getvariable('max_extension_days')) AS extension_days,
        CASE WHEN t_feedback_due THEN feedback_due END AS feedback_due,
        t_petitioner_id, t_matter_id, t_channel, t_category, t_headcount, t_source_type,
        t_feedback_due, t_feedback_at, t_accepted_at, t_due_at, t_extension_days, t_closed_at,
        t_justified, t_satisfaction, t_followup_at, t_listed_supervision, t_leader_owner,
        t_handler_id, t_mass_incident, t_traced_fault, t_updated_at
    FROM b0
),
b AS (
    SELECT b1.*,
        -- matter key: matter_id when non-blank, else (unit_id, category) with blank
        -- category a value of its own; the prefixes keep the two kinds apart and the
        -- length prefix keeps (unit, category) pairs unambiguous.
        CASE WHEN matter_id IS NOT NULL THEN 'm:' || matter_id
             ELSE 'u:' || length(unit_id) || ':' || unit_id
                  || CASE WHEN category IS NULL THEN '-' ELSE '+' || category END
        END AS matter_key
    FROM b1
)
SELECT * FROM b;

-- Repeat: the latest earlier record (order received_at, petition_id, source) of the same
-- petitioner and matter key is the closest one, so lag() decides the window test. The window
-- and the not-ceased join run on narrow rows and are joined back once.
CREATE OR REPLACE TEMP TABLE base_rep AS
SELECT rowid AS rid,
    coalesce(received_date - lag(received_date) OVER (
        PARTITION BY petitioner_id, matter_key ORDER BY received_at, petition_id, source)
        <= getvariable('repeat_window_days'), false) AS rep
FROM base_b
WHERE petitioner_id IS NOT NULL;

-- Not ceased: the same petitioner returns on the same matter key, received on a later date
-- than the closure and at most ceased_window_days after it, at any unit (base_b holds only
-- records up to as_of, so later returns are not seen).
CREATE OR REPLACE TEMP TABLE base_nc AS
SELECT DISTINCT c.rowid AS rid
FROM base_b c
JOIN base_b r
  ON r.petitioner_id = c.petitioner_id AND r.matter_key = c.matter_key
 AND r.received_date > c.closed_date
 AND r.received_date <= c.closed_date + getvariable('ceased_window_days')
 AND r.rowid <> c.rowid
WHERE c.closed_date IS NOT NULL AND c.petitioner_id IS NOT NULL;

CREATE OR REPLACE TABLE mart.records AS
SELECT b.*,
    CASE WHEN NOT b.t_petitioner_id THEN NULL
         WHEN b.petitioner_id IS NULL THEN false
         ELSE r.rep END AS is_repeat,
    CASE WHEN NOT b.t_petitioner_id THEN NULL
         WHEN b.petitioner_id IS NULL THEN true
         ELSE NOT r.rep END AS is_first_time,
    CASE WHEN b.closed_date IS NULL OR NOT b.t_closed_at OR NOT b.t_petitioner_id THEN NULL
         ELSE nc.rid IS NOT NULL END AS not_ceased
FROM base_b b
LEFT JOIN base_rep r ON r.rid = b.rowid
LEFT JOIN base_nc nc ON nc.rid = b.rowid;

DROP TABLE IF EXISTS base_b;
DROP TABLE IF EXISTS base_rep;
DROP TABLE IF EXISTS base_nc;

-- Whether any source that has records (up to as_of) maps each optional field.
CREATE OR REPLACE TABLE mart.tracked AS
WITH f(field) AS (
    VALUES ('petitioner_id'), ('matter_id'), ('channel'), ('category'), ('headcount'),
           ('source_type'), ('feedback_due'), ('feedback_at'), ('accepted_at'), ('due_at'),
           ('extension_days'), ('closed_at'), ('justified'), ('satisfaction'), ('followup_at'),
           ('listed_supervision'), ('leader_owner'), ('handler_id'), ('mass_incident'),
           ('traced_fault'), ('updated_at')
),
s AS (
    SELECT coalesce(x.mapped_fields, []::VARCHAR[]) AS mf
    FROM (SELECT DISTINCT source FROM mart.records) r
    JOIN sources x USING (source)
)
SELECT f.field, coalesce(bool_or(list_contains(s.mf, f.field)), false) AS tracked
FROM f LEFT JOIN s ON true
GROUP BY f.field;

-- The same as one row with a BOOLEAN column per field, to CROSS JOIN in metric SQL.
CREATE OR REPLACE TABLE mart.tracked_row AS
PIVOT (SELECT field, tracked FROM mart.tracked) ON field USING any_value(tracked);

-- Periods from the first month of the data (earliest received_date up to as_of; the
-- as-of month when there are no records) through the period containing as_of.
CREATE OR REPLACE TABLE mart.periods AS
WITH lim AS (
    SELECT date_trunc('month', coalesce(min(received_date), getvariable('as_of')))::DATE AS first_month,
           getvariable('as_of')::DATE AS as_of
    FROM mart.records
),
m AS (
    SELECT 'month' AS period_type, unnest(generate_series(first_month, date_trunc('month', as_of)::DATE, INTERVAL 1 MONTH))::DATE AS period_start FROM lim
    UNION ALL
    SELECT 'quarter', unnest(generate_series(date_trunc('quarter', first_month)::DATE, date_trunc('quarter', as_of)::DATE, INTERVAL 3 MONTH))::DATE FROM lim
    UNION ALL
    SELECT 'year', unnest(generate_series(date_trunc('year', first_month)::DATE, date_trunc('year', as_of)::DATE, INTERVAL 1 YEAR))::DATE FROM lim
)
SELECT period_type,
    CASE period_type
        WHEN 'month' THEN strftime(period_start, '%Y-%m')
        WHEN 'quarter' THEN year(period_start)::VARCHAR || '-Q' || quarter(period_start)::VARCHAR
        ELSE year(period_start)::VARCHAR
    END AS period,
    period_start,
    (CASE period_type
        WHEN 'month' THEN period_start + INTERVAL 1 MONTH
        WHEN 'quarter' THEN period_start + INTERVAL 3 MONTH
        ELSE period_start + INTERVAL 1 YEAR
    END - INTERVAL 1 DAY)::DATE AS period_end,
    (CASE period_type
        WHEN 'month' THEN period_start + INTERVAL 1 MONTH
        WHEN 'quarter' THEN period_start + INTERVAL 3 MONTH
        ELSE period_start + INTERVAL 1 YEAR
    END - INTERVAL 1 DAY)::DATE <= getvariable('as_of') AS complete
FROM m;

-- Each month start mapped to the month, quarter and year containing it: aggregate per
-- (unit, month) first, then join here on month_start (an equi-join) to get all three.
CREATE OR REPLACE TABLE mart.period_months AS
SELECT m.period_start AS month_start, p.period_type, p.period
FROM mart.periods m
JOIN mart.periods p ON m.period_start BETWEEN p.period_start AND p.period_end
WHERE m.period_type = 'month';

-- Output rows of scope u: (u,false) -> u; (u,true) -> u and its descendants;
-- ('ALL',true) -> every unit_id in the data, known or not, plus the known units.
CREATE OR REPLACE TABLE mart.unit_scope AS
SELECT unit_id, false AS rollup, unit_id AS member_unit_id FROM mart.units_known
UNION ALL
SELECT ancestor_id, true, unit_id FROM mart.unit_ancestors
UNION ALL
SELECT 'ALL', true, member_unit_id FROM (
    SELECT unit_id AS member_unit_id FROM mart.units_known
    UNION
    SELECT DISTINCT unit_id FROM mart.records
);

-- Every output row key of a period table: known units x rollup x period, plus ALL.
CREATE OR REPLACE TABLE mart.row_keys AS
SELECT k.unit_id, k.rollup, p.period_type, p.period, p.period_start, p.period_end, p.complete
FROM (
    SELECT unit_id, r AS rollup FROM mart.units_known, (VALUES (false), (true)) v(r)
    UNION ALL
    SELECT 'ALL', true
) k
CROSS JOIN mart.periods p;

-- Distinct petitioners (and those with a repeat) per output row, shared by 010 and 030.
-- Distinct counts are not additive over units, but a petitioner seen at one unit only in a
-- period adds 1 to exactly that unit's scopes, so those are counted per unit and summed
-- through unit_scope; only the few (petitioner, period) pairs spread over several units are
-- expanded and deduplicated per scope. Petitioners are numbered first (integers hash faster).
CREATE OR REPLACE TEMP TABLE base_pids AS
SELECT petitioner_id, row_number() OVER () AS pid
FROM (SELECT DISTINCT petitioner_id FROM mart.records WHERE petitioner_id IS NOT NULL);

CREATE OR REPLACE TEMP TABLE base_pm AS
WITH d AS (
    SELECT r.unit_id, date_trunc('month', r.received_date)::DATE AS month_start, p.pid,
           bool_or(r.is_repeat) AS has_repeat
    FROM mart.records r JOIN base_pids p USING (petitioner_id)
    GROUP BY ALL
),
x AS (
    SELECT unit_id, month_start, pid, 'all' AS kind FROM d
    UNION ALL
    SELECT unit_id, month_start, pid, 'repeat' FROM d WHERE has_repeat
)
SELECT x.kind, pm.period_type, pm.period, x.pid, x.unit_id
FROM x JOIN mart.period_months pm USING (month_start);

CREATE OR REPLACE TEMP TABLE base_pg AS
SELECT kind, period_type, period, pid, min(unit_id) AS u, max(unit_id) AS u2
FROM base_pm GROUP BY ALL;

CREATE OR REPLACE TABLE mart.petitioner_counts AS
WITH single AS (
    SELECT s.unit_id, s.rollup, g.kind, g.period_type, g.period, sum(g.n) AS n
    FROM (SELECT kind, period_type, period, u, count(*) AS n FROM base_pg WHERE u = u2 GROUP BY ALL) g
    JOIN mart.unit_scope s ON s.member_unit_id = g.u
    GROUP BY ALL
),
multi AS (
    SELECT unit_id, rollup, kind, period_type, period, count(*) AS n
    FROM (
        SELECT DISTINCT s.unit_id, s.rollup, b.kind, b.period_type, b.period, b.pid
        FROM base_pm b
        SEMI JOIN base_pg g ON g.kind = b.kind AND g.period_type = b.period_type
            AND g.period = b.period AND g.pid = b.pid AND g.u <> g.u2
        JOIN mart.unit_scope s ON s.member_unit_id = b.unit_id
    )
    GROUP BY ALL
)
SELECT unit_id, rollup, period_type, period,
    coalesce(sum(n) FILTER (WHERE kind = 'all'), 0)::BIGINT AS petitioners,
    coalesce(sum(n) FILTER (WHERE kind = 'repeat'), 0)::BIGINT AS repeat_petitioners
FROM (SELECT * FROM single UNION ALL SELECT * FROM multi)
GROUP BY ALL;

DROP TABLE IF EXISTS base_pids;
DROP TABLE IF EXISTS base_pm;
DROP TABLE IF EXISTS base_pg;
