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

-- Per-source facts: whether each source maps each optional field ("tracked"), once per
-- source instead of once per record. A source with records but no row in sources maps
-- nothing. source_no is a small integer key the record table stores instead.
CREATE OR REPLACE TABLE mart.source_tracked AS
WITH s AS (
    SELECT source, coalesce(mapped_fields, []::VARCHAR[]) AS mf FROM sources
    UNION ALL
    SELECT DISTINCT source, []::VARCHAR[] FROM petitions
    WHERE source NOT IN (SELECT source FROM sources)
)
SELECT source, CAST(row_number() OVER (ORDER BY source) AS INTEGER) AS source_no, mf AS mapped_fields,
    list_contains(mf, 'petitioner_id') AS t_petitioner_id,
    list_contains(mf, 'matter_id') AS t_matter_id,
    list_contains(mf, 'channel') AS t_channel,
    list_contains(mf, 'category') AS t_category,
    list_contains(mf, 'headcount') AS t_headcount,
    list_contains(mf, 'source_type') AS t_source_type,
    list_contains(mf, 'feedback_due') AS t_feedback_due,
    list_contains(mf, 'feedback_at') AS t_feedback_at,
    list_contains(mf, 'accepted_at') AS t_accepted_at,
    list_contains(mf, 'due_at') AS t_due_at,
    list_contains(mf, 'extension_days') AS t_extension_days,
    list_contains(mf, 'closed_at') AS t_closed_at,
    list_contains(mf, 'justified') AS t_justified,
    list_contains(mf, 'satisfaction') AS t_satisfaction,
    list_contains(mf, 'followup_at') AS t_followup_at,
    list_contains(mf, 'listed_supervision') AS t_listed_supervision,
    list_contains(mf, 'leader_owner') AS t_leader_owner,
    list_contains(mf, 'handler_id') AS t_handler_id,
    list_contains(mf, 'mass_incident') AS t_mass_incident,
    list_contains(mf, 'traced_fault') AS t_traced_fault,
    list_contains(mf, 'updated_at') AS t_updated_at
FROM s;

-- Records with a non-blank petitioner (tracked), up to as_of. Only the records of a
-- petitioner with more than one of them can be a repeat or not ceased (both need another
-- record of the same petitioner) or count at more than one unit or month; most petitioners
-- have a single record. Those few rows are found without grouping every pseudonym: base_ph
-- holds the 64-bit hashes seen more than once, which covers every petitioner with several
-- records plus, rarely, single ones whose hashes collide; the exact test on the pseudonyms
-- themselves (base_pets) then runs on those rows only, so a collision costs a row, never a
-- count.
CREATE OR REPLACE TEMP TABLE base_ph AS
SELECT hash(p.petitioner_id) AS h
FROM petitions p JOIN mart.source_tracked s USING (source)
WHERE p.received_date <= getvariable('as_of') AND s.t_petitioner_id AND p.petitioner_id IS NOT NULL
GROUP BY h HAVING count(*) > 1;

-- Their narrow rows: the repeat and not-ceased flags are decided on these, not on the wide
-- rows. Matter key: matter_id when non-blank, else (unit_id, category) with blank category a
-- value of its own, kept as the columns (mid, mku, mkc) instead of one built string.
CREATE OR REPLACE TEMP TABLE base_k AS
SELECT rid, pet, mid,
       CASE WHEN mid IS NULL THEN unit_id END AS mku,
       CASE WHEN mid IS NULL THEN coalesce('+' || cat, '-') END AS mkc,
       unit_id, received_at, petition_id, source, received_date, closed_date
FROM (
    SELECT p.rowid AS rid, p.petitioner_id AS pet,
           CASE WHEN s.t_matter_id THEN p.matter_id END AS mid,
           CASE WHEN s.t_category THEN p.category END AS cat,
           p.unit_id, p.received_at, p.petition_id, p.source, p.received_date,
           CASE WHEN s.t_closed_at AND p.closed_date <= getvariable('as_of') THEN p.closed_date END AS closed_date
    FROM petitions p
    JOIN mart.source_tracked s USING (source)
    WHERE p.received_date <= getvariable('as_of') AND s.t_petitioner_id AND p.petitioner_id IS NOT NULL
      AND hash(p.petitioner_id) IN (SELECT h FROM base_ph)
);
DROP TABLE IF EXISTS base_ph;

-- The petitioners with more than one record, each with an exact number (pet_no).
CREATE OR REPLACE TEMP TABLE base_pets AS
SELECT pet, CAST(row_number() OVER () AS INTEGER) AS pet_no
FROM base_k GROUP BY pet HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE base_km AS
SELECT k.rid, p.pet_no, k.mid, k.mku, k.mkc, k.unit_id, k.received_at, k.petition_id, k.source,
       k.received_date, k.closed_date
FROM base_k k JOIN base_pets p USING (pet);
DROP TABLE IF EXISTS base_k;
DROP TABLE IF EXISTS base_pets;

-- Single-record petitioners: one per record, in one (unit, month) cell, never a repeat;
-- per cell, the records with a petitioner less those of the others.
CREATE OR REPLACE TEMP TABLE base_single AS
WITH tot AS (
    SELECT p.unit_id, CAST(12 * year(p.received_date) + month(p.received_date) - 1 AS INTEGER) AS mid,
           count(*) AS n
    FROM petitions p JOIN mart.source_tracked s USING (source)
    WHERE p.received_date <= getvariable('as_of') AND s.t_petitioner_id AND p.petitioner_id IS NOT NULL
    GROUP BY ALL
),
multi AS (
    SELECT unit_id, CAST(12 * year(received_date) + month(received_date) - 1 AS INTEGER) AS mid,
           count(*) AS n
    FROM base_km GROUP BY ALL
)
SELECT t.unit_id, t.mid, t.n - coalesce(m.n, 0) AS n
FROM tot t LEFT JOIN multi m USING (unit_id, mid)
WHERE t.n > coalesce(m.n, 0);

-- Repeat: the latest earlier record (order received_at, petition_id, source) of the same
-- petitioner and matter key is the closest one, so lag() decides the window test.
CREATE OR REPLACE TEMP TABLE base_rep AS
SELECT rid, pet_no, unit_id, received_date,
    coalesce(received_date - lag(received_date) OVER (
        PARTITION BY pet_no, mid, mku, mkc ORDER BY received_at, petition_id, source)
        <= getvariable('repeat_window_days'), false) AS rep
FROM base_km;

-- Not ceased: the same petitioner returns on the same matter key, received on a later date
-- than the closure and at most ceased_window_days after it, at any unit (only records up
-- to as_of are here, so later returns are not seen).
CREATE OR REPLACE TEMP TABLE base_flags AS
WITH nc AS (
    SELECT DISTINCT c.rid
    FROM base_km c
    JOIN base_km r
      ON r.pet_no = c.pet_no AND r.mid IS NOT DISTINCT FROM c.mid
     AND r.mku IS NOT DISTINCT FROM c.mku AND r.mkc IS NOT DISTINCT FROM c.mkc
     AND r.received_date > c.closed_date
     AND r.received_date <= c.closed_date + getvariable('ceased_window_days')
     AND r.rid <> c.rid
    WHERE c.closed_date IS NOT NULL
)
SELECT r.rid, r.rep, nc.rid IS NOT NULL AS nc
FROM base_rep r LEFT JOIN nc USING (rid);
DROP TABLE IF EXISTS base_km;

-- mart.calendar(d, is_working, workday_seq): one row per day over the data range plus a
-- margin; workday_seq is the running count of working days up to and including d, so a
-- non-working day shares the number of the last working day before it. "base + N days" in
-- working days is then the working day whose workday_seq = seq(base) + N: the N-th working
-- day after base (a non-working base makes the next working day day 1). One equi-join per
-- deadline, no per-row loops. Built here so that the deadlines go into the one copy of
-- the records below.
--
-- Working day: Monday–Friday not listed as a holiday, plus any weekend day listed as a
-- make-up working day (调休, kind 'workday') in the holiday file.
CREATE OR REPLACE TABLE mart.calendar AS
WITH bounds AS (
    SELECT least(min(p.received_date),
                 min(CASE WHEN s.t_accepted_at AND p.accepted_at <= getvariable('as_of') THEN p.accepted_at END),
                 getvariable('as_of')) - 10 AS lo,
           greatest(max(p.received_date),
                    max(CASE WHEN s.t_accepted_at AND p.accepted_at <= getvariable('as_of') THEN p.accepted_at END),
                    getvariable('as_of'))
             -- the longest "+ N" in working days, doubled for weekends and holidays, plus 2 years
             + (2 * greatest(getvariable('accept_days'),
                             getvariable('handle_days') + getvariable('max_extension_days'),
                             getvariable('feedback_days')) + 731) AS hi
    FROM petitions p JOIN mart.source_tracked s USING (source)
    WHERE p.received_date <= getvariable('as_of')
),
days AS (
    SELECT CAST(g.d AS DATE) AS d
    FROM bounds, generate_series(CAST(bounds.lo AS TIMESTAMP), CAST(bounds.hi AS TIMESTAMP), INTERVAL 1 DAY) AS g(d)
),
marks AS (
    SELECT d,
           bool_or(kind = 'holiday') AS is_holiday,
           bool_or(kind = 'workday') AS is_makeup
    FROM mart.cfg_calendar
    GROUP BY d
),
flagged AS (
    SELECT days.d,
           -- a weekday listed as both holiday and workday is a holiday; a weekend day
           -- listed as both works (METRICS.md, Working days)
           CASE WHEN isodow(days.d) <= 5 THEN NOT coalesce(m.is_holiday, false)
                ELSE coalesce(m.is_makeup, false) END AS is_working
    FROM days LEFT JOIN marks m ON m.d = days.d
)
SELECT d, is_working,
       CAST(sum(CASE WHEN is_working THEN 1 ELSE 0 END) OVER (ORDER BY d ROWS UNBOUNDED PRECEDING) AS INTEGER) AS workday_seq
FROM flagged
ORDER BY d;

-- The one wide copy of the records: one row per petition received on or before as_of,
-- later events counted as not happened, fields a source does not map NULL whatever the row
-- holds (ingest never loads them anyway), the repeat/not-ceased flags joined once by rowid
-- and the three deadlines (SPEC §4) in calendar or working days. Read it through the views
-- mart.records and mart.record_deadlines, which add the per-source tracked flags.
--
-- The table is declared rather than made by CREATE … AS so that the near-unique text
-- columns (petition and matter ids, pseudonyms: the fields marked NearUnique in
-- internal/spec) are stored with FSST straight away: DuckDB otherwise tries a dictionary
-- on them first, which they never take, and at 10M records that trial was about 5 of the
-- statement's 30 s of CPU (the stored size is the same).
--
-- The other text columns (source, unit, category, leader, handler and the enum fields)
-- hold a few hundred distinct values at most; they are stored as ENUM codes of a type
-- made here from the values present. Writing them as text was half the copy's time at
-- 10M records (7.8 of 15.3 s wall for those nine columns, 2.7 s as codes). The views
-- mart.records and mart.record_deadlines and every list made from this table turn them
-- back into VARCHAR, so what analysts and the metric SQL see is unchanged. Each type is
-- sorted, so its order is the text order too, and holds '' besides the values (DuckDB 1.5
-- crashes on pragma_storage_info of a column whose ENUM type has no value). The types live
-- in the main schema, named after the build schema (mart_code_ is pointed there like
-- mart.): DuckDB 1.5 cannot replay from its WAL a table whose column type is in another
-- schema, so a crash before the next checkpoint would leave a file that does not open.
-- The build drops a schema's types with the schema.
CREATE TYPE mart_code_source AS ENUM (SELECT '' UNION SELECT source FROM petitions WHERE source IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_unit_id AS ENUM (SELECT '' UNION SELECT unit_id FROM petitions WHERE unit_id IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_channel AS ENUM (SELECT '' UNION SELECT channel FROM petitions WHERE channel IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_category AS ENUM (SELECT '' UNION SELECT category FROM petitions WHERE category IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_source_type AS ENUM (SELECT '' UNION SELECT source_type FROM petitions WHERE source_type IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_leader_owner AS ENUM (SELECT '' UNION SELECT leader_owner FROM petitions WHERE leader_owner IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_handler_id AS ENUM (SELECT '' UNION SELECT handler_id FROM petitions WHERE handler_id IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_justified AS ENUM (SELECT '' UNION SELECT justified FROM petitions WHERE justified IS NOT NULL ORDER BY 1);
CREATE TYPE mart_code_satisfaction AS ENUM (SELECT '' UNION SELECT satisfaction FROM petitions WHERE satisfaction IS NOT NULL ORDER BY 1);
CREATE OR REPLACE TABLE mart.record_rows (
    rid BIGINT, source_no INTEGER, source mart_code_source,
    petition_id VARCHAR USING COMPRESSION fsst,
    unit_id mart_code_unit_id, known_unit BOOLEAN, received_at TIMESTAMP, received_date DATE,
    petitioner_id VARCHAR USING COMPRESSION fsst,
    matter_id VARCHAR USING COMPRESSION fsst,
    channel mart_code_channel, category mart_code_category, headcount INTEGER,
    source_type mart_code_source_type,
    listed_supervision BOOLEAN, leader_owner mart_code_leader_owner, handler_id mart_code_handler_id,
    mass_incident BOOLEAN, traced_fault BOOLEAN, justified mart_code_justified,
    satisfaction mart_code_satisfaction,
    accepted_date DATE, closed_date DATE, feedback_date DATE, followup_date DATE,
    due_at DATE, extension_days INTEGER, feedback_due DATE,
    rep BOOLEAN, nc BOOLEAN, accept_deadline DATE, handle_deadline DATE, feedback_deadline DATE
);
INSERT INTO mart.record_rows BY NAME
WITH b1 AS (
    SELECT p.rowid AS rid, s.source_no, p.source, p.petition_id, p.unit_id,
        p.unit_id IN (SELECT unit_id FROM units) AS known_unit, p.received_at, p.received_date,
        CASE WHEN s.t_petitioner_id THEN p.petitioner_id END AS petitioner_id,
        CASE WHEN s.t_matter_id THEN p.matter_id END AS matter_id,
        CASE WHEN s.t_channel THEN p.channel END AS channel,
        CASE WHEN s.t_category THEN p.category END AS category,
        coalesce(CASE WHEN s.t_headcount THEN p.headcount END, 1) AS headcount,
        CASE WHEN s.t_source_type THEN p.source_type END AS source_type,
        CASE WHEN s.t_listed_supervision THEN p.listed_supervision END AS listed_supervision,
        CASE WHEN s.t_leader_owner THEN p.leader_owner END AS leader_owner,
        CASE WHEN s.t_handler_id THEN p.handler_id END AS handler_id,
        CASE WHEN s.t_mass_incident THEN p.mass_incident END AS mass_incident,
        CASE WHEN s.t_traced_fault THEN p.traced_fault END AS traced_fault,
        CASE WHEN s.t_justified THEN p.justified END AS justified,
        CASE WHEN s.t_satisfaction THEN p.satisfaction END AS satisfaction,
        CASE WHEN s.t_accepted_at AND p.accepted_at <= getvariable('as_of') THEN p.accepted_at END AS accepted_date,
        CASE WHEN s.t_closed_at AND p.closed_date <= getvariable('as_of') THEN p.closed_date END AS closed_date,
        CASE WHEN s.t_feedback_at AND p.feedback_at <= getvariable('as_of') THEN p.feedback_at END AS feedback_date,
        CASE WHEN s.t_followup_at AND p.followup_at <= getvariable('as_of') THEN p.followup_at END AS followup_date,
        CASE WHEN s.t_due_at THEN p.due_at END AS due_at,
        least(greatest(coalesce(CASE WHEN s.t_extension_days THEN p.extension_days END, 0), 0),
              getvariable('max_extension_days')) AS extension_days,
        CASE WHEN s.t_feedback_due THEN p.feedback_due END AS feedback_due
    FROM petitions p
    JOIN mart.source_tracked s USING (source)
    WHERE p.received_date <= getvariable('as_of')
),
r AS (
    SELECT b1.*,
           -- base of the computed handling deadline: acceptance (as of as_of) if any
           coalesce(accepted_date, received_date) AS handle_base,
           getvariable('handle_days')
             + least(coalesce(extension_days, 0), getvariable('max_extension_days')) AS handle_n
    FROM b1
),
-- empty under calendar days, so those joins cost nothing then
cal AS (
    SELECT d, workday_seq FROM mart.calendar WHERE getvariable('day_basis') = 'working'
),
working AS (
    SELECT workday_seq, d FROM mart.calendar WHERE is_working AND getvariable('day_basis') = 'working'
)
SELECT r.rid, r.source_no, r.source, r.petition_id, r.unit_id, r.known_unit, r.received_at,
    r.received_date, r.petitioner_id, r.matter_id, r.channel, r.category, r.headcount,
    r.source_type, r.listed_supervision, r.leader_owner, r.handler_id, r.mass_incident,
    r.traced_fault, r.justified, r.satisfaction, r.accepted_date, r.closed_date,
    r.feedback_date, r.followup_date, r.due_at, r.extension_days, r.feedback_due,
    -- single-record petitioners are not in base_flags: no repeat
    CASE WHEN r.petitioner_id IS NOT NULL THEN coalesce(f.rep, false) END AS rep, coalesce(f.nc, false) AS nc,
    -- "+ 0 working days" is the base date itself
    CASE WHEN getvariable('day_basis') <> 'working' OR getvariable('accept_days') = 0
         THEN r.received_date + getvariable('accept_days') ELSE wa.d END AS accept_deadline,
    -- a deadline given by the source wins and gets no extension
    coalesce(r.due_at,
             CASE WHEN getvariable('day_basis') <> 'working' OR r.handle_n = 0
                  THEN r.handle_base + r.handle_n ELSE wh.d END) AS handle_deadline,
    coalesce(r.feedback_due,
             CASE WHEN getvariable('day_basis') <> 'working' OR getvariable('feedback_days') = 0
                  THEN r.received_date + getvariable('feedback_days') ELSE wf.d END) AS feedback_deadline
FROM r
LEFT JOIN base_flags f ON f.rid = r.rid
LEFT JOIN cal cr ON cr.d = r.received_date
LEFT JOIN cal cb ON cb.d = r.handle_base
LEFT JOIN working wa ON wa.workday_seq = cr.workday_seq + getvariable('accept_days')
LEFT JOIN working wh ON wh.workday_seq = cb.workday_seq + r.handle_n
LEFT JOIN working wf ON wf.workday_seq = cr.workday_seq + getvariable('feedback_days');
DROP TABLE IF EXISTS base_flags;

-- mart.records: the record columns as before (tracked flags from the per-source table,
-- the matter key and the repeat flags derived from the stored ones).
CREATE OR REPLACE VIEW mart.records AS
SELECT r.source::VARCHAR AS source, r.petition_id, r.unit_id::VARCHAR AS unit_id, r.known_unit,
    r.received_at, r.received_date, r.petitioner_id, r.matter_id, r.channel::VARCHAR AS channel,
    r.category::VARCHAR AS category, r.headcount, r.source_type::VARCHAR AS source_type,
    r.listed_supervision, r.leader_owner::VARCHAR AS leader_owner,
    r.handler_id::VARCHAR AS handler_id, r.mass_incident, r.traced_fault,
    r.justified::VARCHAR AS justified, r.satisfaction::VARCHAR AS satisfaction, r.accepted_date, r.closed_date, r.feedback_date,
    r.followup_date, r.due_at, r.extension_days, r.feedback_due,
    s.t_petitioner_id, s.t_matter_id, s.t_channel, s.t_category, s.t_headcount, s.t_source_type,
    s.t_feedback_due, s.t_feedback_at, s.t_accepted_at, s.t_due_at, s.t_extension_days, s.t_closed_at,
    s.t_justified, s.t_satisfaction, s.t_followup_at, s.t_listed_supervision, s.t_leader_owner, s.t_handler_id,
    s.t_mass_incident, s.t_traced_fault, s.t_updated_at,
    -- the prefixes keep the two kinds apart and the length prefix keeps (unit, category)
    -- pairs unambiguous
    CASE WHEN r.matter_id IS NOT NULL THEN 'm:' || r.matter_id
         ELSE 'u:' || length(r.unit_id::VARCHAR) || ':' || r.unit_id::VARCHAR
              || CASE WHEN r.category IS NULL THEN '-' ELSE '+' || r.category::VARCHAR END
    END AS matter_key,
    CASE WHEN NOT s.t_petitioner_id THEN NULL
         WHEN r.petitioner_id IS NULL THEN false
         ELSE r.rep END AS is_repeat,
    CASE WHEN NOT s.t_petitioner_id THEN NULL
         WHEN r.petitioner_id IS NULL THEN true
         ELSE NOT r.rep END AS is_first_time,
    CASE WHEN r.closed_date IS NULL OR NOT s.t_closed_at OR NOT s.t_petitioner_id THEN NULL
         ELSE r.nc END AS not_ceased
FROM mart.record_rows r
JOIN mart.source_tracked s USING (source_no);

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
    SELECT x.mapped_fields AS mf
    FROM (SELECT DISTINCT source_no FROM mart.record_rows) r
    JOIN mart.source_tracked x USING (source_no)
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
    FROM mart.record_rows
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
    SELECT DISTINCT unit_id::VARCHAR FROM mart.record_rows
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
-- expanded and deduplicated per scope. Single-record petitioners (base_single) are counted
-- per (unit, month) and summed to quarters, years and scopes; the others (base_rep) run on
-- integers: unit numbers, petitioner numbers (pet_no, an exact numbering of the pseudonyms,
-- never a hash) and period ids by arithmetic (month id = 12 * year + month - 1; quarter id =
-- month id // 3; year id = month id // 12), quarter/year cells rolled up from the
-- (unit, month, petitioner) cells.
CREATE OR REPLACE TEMP TABLE base_units AS
SELECT member_unit_id AS unit_id, CAST(row_number() OVER () AS INTEGER) AS uno
FROM (SELECT DISTINCT member_unit_id FROM mart.unit_scope);

CREATE OR REPLACE TEMP TABLE base_scope AS
SELECT s.unit_id, s.rollup, u.uno
FROM mart.unit_scope s JOIN base_units u ON u.unit_id = s.member_unit_id;

CREATE OR REPLACE TEMP TABLE base_pm AS
WITH m AS (
    SELECT u.uno, CAST(12 * year(r.received_date) + month(r.received_date) - 1 AS INTEGER) AS mid,
           r.pet_no, bool_or(r.rep) AS hr
    FROM base_rep r JOIN base_units u USING (unit_id)
    GROUP BY ALL
),
q AS (SELECT uno, mid // 3 AS qid, pet_no, bool_or(hr) AS hr FROM m GROUP BY ALL),
y AS (SELECT uno, qid // 4 AS yid, pet_no, bool_or(hr) AS hr FROM q GROUP BY ALL),
c AS (
    SELECT 0 AS pt, mid AS per, pet_no, uno, hr FROM m
    UNION ALL SELECT 1, qid, pet_no, uno, hr FROM q
    UNION ALL SELECT 2, yid, pet_no, uno, hr FROM y
)
SELECT 0 AS kind, pt, per, pet_no, uno FROM c
UNION ALL
SELECT 1, pt, per, pet_no, uno FROM c WHERE hr;
DROP TABLE IF EXISTS base_rep;

CREATE OR REPLACE TEMP TABLE base_pg AS
SELECT kind, pt, per, pet_no, min(uno) AS u, max(uno) AS u2
FROM base_pm GROUP BY ALL;

CREATE OR REPLACE TABLE mart.petitioner_counts AS
WITH -- single-record petitioners: additive, month cells summed to quarters and years
sm AS (
    SELECT u.uno, b.mid, sum(b.n) AS n FROM base_single b JOIN base_units u USING (unit_id) GROUP BY ALL
),
sc AS (
    SELECT uno, 0 AS pt, mid AS per, n FROM sm
    UNION ALL SELECT uno, 1, mid // 3, sum(n) FROM sm GROUP BY ALL
    UNION ALL SELECT uno, 2, mid // 12, sum(n) FROM sm GROUP BY ALL
),
single AS (
    SELECT s.unit_id, s.rollup, g.kind, g.pt, g.per, sum(g.n) AS n
    FROM (
        SELECT kind, pt, per, u, count(*) AS n FROM base_pg WHERE u = u2 GROUP BY ALL
        UNION ALL
        SELECT 0, pt, per, uno, n FROM sc
    ) g
    JOIN base_scope s ON s.uno = g.u
    GROUP BY ALL
),
multi AS (
    SELECT unit_id, rollup, kind, pt, per, count(*) AS n
    FROM (
        SELECT DISTINCT s.unit_id, s.rollup, b.kind, b.pt, b.per, b.pet_no
        FROM base_pm b
        SEMI JOIN base_pg g ON g.kind = b.kind AND g.pt = b.pt
            AND g.per = b.per AND g.pet_no = b.pet_no AND g.u <> g.u2
        JOIN base_scope s ON s.uno = b.uno
    )
    GROUP BY ALL
),
pids AS (
    SELECT period_type, period,
           CASE period_type WHEN 'month' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END AS pt,
           CAST(CASE period_type
                    WHEN 'month' THEN 12 * year(period_start) + month(period_start) - 1
                    WHEN 'quarter' THEN (12 * year(period_start) + month(period_start) - 1) // 3
                    ELSE year(period_start) END AS INTEGER) AS per
    FROM mart.periods
)
SELECT x.unit_id, x.rollup, p.period_type, p.period,
    coalesce(sum(x.n) FILTER (WHERE x.kind = 0), 0)::BIGINT AS petitioners,
    coalesce(sum(x.n) FILTER (WHERE x.kind = 1), 0)::BIGINT AS repeat_petitioners
FROM (SELECT * FROM single UNION ALL SELECT * FROM multi) x
JOIN pids p USING (pt, per)
GROUP BY ALL;

DROP TABLE IF EXISTS base_units;
DROP TABLE IF EXISTS base_scope;
DROP TABLE IF EXISTS base_pm;
DROP TABLE IF EXISTS base_pg;
DROP TABLE IF EXISTS base_single;
