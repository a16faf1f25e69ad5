-- The audience view layer (orchestrate/audience.go). An audience's site is rendered by
-- charts from an in-memory DuckDB that ATTACHes the database read-only as `src` and
-- holds, in its own main and mart schemas, views of src's tables restricted to the
-- audience's units. Statements are separated by lines "-- name: X"; {{schema}} and
-- {{table}} are replaced by quoted identifiers of one source table.

-- name: subtree
-- aud.listed holds the configured unit ids; a listed unit brings its descendants.
-- The roots are the subtree's units whose parent is outside it.
CREATE TABLE aud.units AS
WITH RECURSIVE t(unit_id) AS (
    SELECT u.unit_id FROM src.main.units u JOIN aud.listed l USING (unit_id)
    UNION
    SELECT u.unit_id FROM src.main.units u JOIN t ON u.parent_id = t.unit_id
)
SELECT DISTINCT unit_id FROM t;
CREATE TABLE aud.roots AS
SELECT a.unit_id FROM aud.units a JOIN src.main.units u USING (unit_id)
WHERE u.parent_id IS NULL OR u.parent_id NOT IN (SELECT unit_id FROM aud.units);

-- name: period
-- A table keyed unit_id, rollup: the subtree's rows, and the audience root's
-- rollup rows (its subtree, all inside the audience) in place of the whole system's
-- 'ALL' rows.
CREATE VIEW {{schema}}.{{table}} AS
SELECT * FROM src.{{schema}}.{{table}} WHERE unit_id IN (SELECT unit_id FROM aud.units)
UNION ALL
SELECT * REPLACE ('ALL' AS unit_id) FROM src.{{schema}}.{{table}}
WHERE rollup AND unit_id = (SELECT min(unit_id) FROM aud.roots HAVING count(*) = 1);

-- name: period_total
-- As period, for an audience with several roots: its 'ALL' rows are those of the
-- marts built by queries.Build in catalog tot over the audience's records alone, so
-- that the total is the metrics of its records (a rate is not a sum of rates).
CREATE VIEW {{schema}}.{{table}} AS
SELECT * FROM src.{{schema}}.{{table}} WHERE unit_id IN (SELECT unit_id FROM aud.units)
UNION ALL BY NAME
SELECT * FROM tot.{{schema}}.{{table}} WHERE rollup AND unit_id = 'ALL';

-- name: total_copy
-- The stored tables the marts read, for an audience with several roots: its records,
-- its units (the roots without a parent) and every source.
INSERT INTO tot.main.sources BY NAME SELECT * FROM src.main.sources;
INSERT INTO tot.main.units BY NAME
SELECT * REPLACE (CASE WHEN unit_id IN (SELECT unit_id FROM aud.roots) THEN NULL ELSE parent_id END AS parent_id)
FROM src.main.units WHERE unit_id IN (SELECT unit_id FROM aud.units);
INSERT INTO tot.main.petitions BY NAME SELECT * FROM src.main.petitions WHERE unit_id IN (SELECT unit_id FROM aud.units);

-- name: unit
-- A table with a unit_id but no rollup (record lists, unknown units, config targets):
-- the subtree's rows only (an unknown unit is never in a subtree).
CREATE VIEW {{schema}}.{{table}} AS
SELECT * FROM src.{{schema}}.{{table}} WHERE unit_id IN (SELECT unit_id FROM aud.units);

-- name: whole
-- A table without units (periods, calendar, config, sources, batches, field coverage):
-- as it is.
CREATE VIEW {{schema}}.{{table}} AS SELECT * FROM src.{{schema}}.{{table}};

-- name: empty
-- A table whose rows cannot be attributed to a unit (rejected source rows): none.
CREATE VIEW {{schema}}.{{table}} AS SELECT * FROM src.{{schema}}.{{table}} WHERE false;

-- name: units
-- The subtree's units; a root's parent (outside the audience) is not named.
CREATE VIEW main.units AS
SELECT * REPLACE (CASE WHEN unit_id IN (SELECT unit_id FROM aud.roots) THEN NULL ELSE parent_id END AS parent_id)
FROM src.main.units WHERE unit_id IN (SELECT unit_id FROM aud.units);

-- name: units_known
-- As units; the ancestor path would name units outside the audience, so it is left out.
CREATE VIEW mart.units_known AS
SELECT * EXCLUDE (path) REPLACE (CASE WHEN unit_id IN (SELECT unit_id FROM aud.roots) THEN NULL ELSE parent_id END AS parent_id)
FROM src.mart.units_known WHERE unit_id IN (SELECT unit_id FROM aud.units);

-- name: unit_ancestors
CREATE VIEW mart.unit_ancestors AS
SELECT * FROM src.mart.unit_ancestors
WHERE unit_id IN (SELECT unit_id FROM aud.units) AND ancestor_id IN (SELECT unit_id FROM aud.units);

-- name: appraisal
-- Ranked again within the audience, by the rule of 100_appraisal.sql (competition rank
-- by score within peer group and period); peer_size stays the peer group's full size in
-- the whole system, so that a rank says how far down the whole group it could reach.
CREATE VIEW mart.appraisal AS
SELECT * REPLACE (
    CASE WHEN score IS NOT NULL THEN
        CAST(rank() OVER (PARTITION BY period_type, period, peer_group, score IS NULL ORDER BY score DESC) AS INTEGER)
    END AS rank)
FROM src.mart.appraisal WHERE unit_id IN (SELECT unit_id FROM aud.units);

-- name: veto
-- Unit-scope results of the subtree's units; handler-scope results only of handlers
-- all of whose records are the audience's (a handler's count over other units' records
-- would be their figure).
CREATE VIEW mart.veto AS
SELECT * FROM src.mart.veto
WHERE (scope = 'unit' AND subject_id IN (SELECT unit_id FROM aud.units))
   OR (scope = 'handler' AND subject_id IN (
        SELECT handler_id FROM src.mart.records WHERE handler_id IS NOT NULL
        GROUP BY handler_id HAVING bool_and(coalesce(unit_id IN (SELECT unit_id FROM aud.units), false))));
