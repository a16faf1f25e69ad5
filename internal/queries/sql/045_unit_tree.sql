-- Unit-tree rollup of per-unit histograms, shared by the exact medians of 050_timeliness.sql
-- (median handling days, SPEC §4) and 150_cohort.sql (median and p90 days to close, §11).
-- No mart of its own: temporary tables and one table macro, dropped by 150_cohort.sql.
--
-- ut_ks: kid, one integer per output unit row of mart.row_keys (a unit without descendants
--   shares one kid for rollup false and true, since both cover the same records).
-- ut_ps: pid, one integer per period of mart.periods.
-- ut_u:  every unit of the data or of the unit list, numbered (uno); for a known unit its
--   depth (steps in its chain of parents, mart.unit_ancestors), its parent's number and
--   whether it has children (is_parent).
-- ut_hist(uno, bucket, v, n): filled by the file that calls tree_hist() with each unit's own
--   histogram: n records of value v (days) in bucket (a month number or period id).
-- tree_hist() returns (kid, bucket, v, n) for every output unit row: rollup true of a unit
--   summed over its scope (mart.unit_scope), rollup false of a unit with children its own
--   rows, ALL every record. The sums go up the tree level by level (a unit's rollup = its
--   own histogram + its children's rollups) instead of spreading every unit's rows to every
--   ancestor.
CREATE OR REPLACE TEMP TABLE ut_ks AS
WITH parents AS (
    SELECT DISTINCT parent_id AS unit_id FROM mart.units_known WHERE parent_id IS NOT NULL
)
SELECT k.unit_id, k.rollup,
       CAST(dense_rank() OVER (ORDER BY k.unit_id,
                               CASE WHEN p.unit_id IS NULL AND k.unit_id <> 'ALL' THEN false
                                    ELSE k.rollup END) AS INTEGER) AS kid
FROM (SELECT DISTINCT unit_id, rollup FROM mart.row_keys) k
LEFT JOIN parents p ON p.unit_id = k.unit_id;

CREATE OR REPLACE TEMP TABLE ut_ps AS
SELECT period_type, period, CAST(row_number() OVER (ORDER BY period_type, period) AS INTEGER) AS pid
FROM mart.periods;

CREATE OR REPLACE TEMP TABLE ut_u AS
WITH n AS (
    SELECT member_unit_id AS unit_id, CAST(row_number() OVER (ORDER BY member_unit_id) AS INTEGER) AS uno
    FROM (SELECT DISTINCT member_unit_id FROM mart.unit_scope)
)
SELECT n.unit_id, n.uno, pn.uno AS parent_uno, k.depth, k.unit_id IS NOT NULL AS known,
       k.unit_id IN (SELECT parent_id FROM mart.units_known WHERE parent_id IS NOT NULL) AS is_parent
FROM n
LEFT JOIN mart.units_known k ON k.unit_id = n.unit_id
LEFT JOIN n pn ON pn.unit_id = k.parent_id AND k.depth > 0;

-- The macro binds to these tables when it is created, so callers refill ut_hist (DELETE,
-- INSERT) and never re-create it.
CREATE OR REPLACE TEMP TABLE ut_hist (uno INTEGER, bucket INTEGER, v INTEGER, n BIGINT);

CREATE OR REPLACE TEMP MACRO tree_hist() AS TABLE
WITH RECURSIVE
-- Rollups level by level, deepest first. A known unit's own rows wait (ud < lvl) until lvl
-- reaches its depth; from then on they are complete (ud = lvl) and move one parent up per
-- level, so they are counted once at every unit of their chain of parents — exactly the
-- rollup scopes of mart.unit_scope, in a tree and where a parent cycle cuts the chain (a
-- cycle's rollups then come out over several levels, as several rows of one kid).
r(lvl, uno, ud, bucket, v, n) AS (
    SELECT (SELECT max(depth) FROM ut_u WHERE known), h.uno, u.depth, h.bucket, h.v, h.n
    FROM ut_hist h JOIN ut_u u ON u.uno = h.uno AND u.known
    UNION ALL
    SELECT r.lvl - 1,
           CASE WHEN r.ud = r.lvl THEN u.parent_uno ELSE r.uno END,
           CASE WHEN r.ud = r.lvl THEN r.ud - 1 ELSE r.ud END,
           r.bucket, r.v, CAST(sum(r.n) AS BIGINT)
    FROM r JOIN ut_u u ON u.uno = r.uno
    WHERE r.lvl > 0 AND NOT (r.ud = r.lvl AND u.parent_uno IS NULL)
    GROUP BY ALL
),
kid_of AS (
    SELECT u.uno, ks.kid, ks.rollup, u.is_parent
    FROM ut_ks ks JOIN ut_u u ON u.unit_id = ks.unit_id
)
-- rollup true of a unit (and rollup false of one without children: the same kid)
SELECT k.kid, r.bucket, r.v, r.n
FROM r JOIN kid_of k ON k.uno = r.uno AND k.rollup
WHERE r.ud = r.lvl
UNION ALL
-- rollup false of a unit with children: its own records
SELECT k.kid, h.bucket, h.v, h.n
FROM ut_hist h JOIN kid_of k ON k.uno = h.uno AND NOT k.rollup AND k.is_parent
UNION ALL
-- ALL: every record
SELECT (SELECT kid FROM ut_ks WHERE unit_id = 'ALL'), h.bucket, h.v, CAST(sum(h.n) AS BIGINT)
FROM ut_hist h
GROUP BY ALL;
