-- Closure metrics, SPEC §4, per period of the local closure date (closures after as_of are
-- not closed: mart.records.closed_date is NULL for them). Each column counts the closed
-- records whose source maps every field it needs and is NULL in every row when no source
-- with records maps them:
--   closed                                  closed_at
--   not_ceased, first_contact_*             closed_at, petitioner_id
--   followed_up, followup_rate              closed_at, followup_at
--   rated, satisfied, basically, satisfaction_rate, participation_rate  closed_at, satisfaction
--   justified, partly                       closed_at, justified
-- Each rate's denominator is the closed records mapping the same fields.

CREATE OR REPLACE TEMP TABLE clo_um AS
SELECT unit_id, date_trunc('month', closed_date)::DATE AS month_start,
    count(*) AS closed,
    count(*) FILTER (WHERE t_petitioner_id) AS closed_p,
    count(*) FILTER (WHERE not_ceased) AS not_ceased,
    count(*) FILTER (WHERE is_first_time) AS first_contact_closed,
    count(*) FILTER (WHERE is_first_time AND NOT not_ceased) AS first_contact_resolved,
    count(*) FILTER (WHERE t_followup_at) AS closed_f,
    count(*) FILTER (WHERE followup_date >= closed_date) AS followed_up,
    count(*) FILTER (WHERE t_satisfaction) AS closed_s,
    count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically', 'unsatisfied')) AS rated,
    count(*) FILTER (WHERE satisfaction = 'satisfied') AS satisfied,
    count(*) FILTER (WHERE satisfaction = 'basically') AS basically,
    count(*) FILTER (WHERE justified = 'justified') AS justified,
    count(*) FILTER (WHERE justified = 'partly') AS partly
FROM mart.records
WHERE closed_date IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE clo_agg AS
SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
    sum(closed) AS closed, sum(closed_p) AS closed_p, sum(not_ceased) AS not_ceased,
    sum(first_contact_closed) AS first_contact_closed,
    sum(first_contact_resolved) AS first_contact_resolved,
    sum(closed_f) AS closed_f, sum(followed_up) AS followed_up,
    sum(closed_s) AS closed_s, sum(rated) AS rated, sum(satisfied) AS satisfied,
    sum(basically) AS basically, sum(justified) AS justified, sum(partly) AS partly
FROM clo_um um
JOIN mart.unit_scope s ON s.member_unit_id = um.unit_id
-- Period labels from the closure month itself, not mart.period_months: a closure dated before
-- the data's first month (closed before received) has no month row but still counts in its
-- quarter and year rows; labels without a row are dropped by the LEFT JOIN onto row_keys.
CROSS JOIN LATERAL (VALUES
    ('month', strftime(um.month_start, '%Y-%m')),
    ('quarter', strftime(um.month_start, '%Y') || '-Q' || quarter(um.month_start)),
    ('year', strftime(um.month_start, '%Y'))) pm(period_type, period)
GROUP BY ALL;

CREATE OR REPLACE TABLE mart.closure AS
WITH x AS (
    SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
        CASE WHEN tr.closed_at THEN coalesce(a.closed, 0) END::BIGINT AS closed,
        CASE WHEN tr.closed_at AND tr.petitioner_id THEN coalesce(a.closed_p, 0) END::BIGINT AS closed_p,
        CASE WHEN tr.closed_at AND tr.petitioner_id THEN coalesce(a.not_ceased, 0) END::BIGINT AS not_ceased,
        CASE WHEN tr.closed_at AND tr.petitioner_id THEN coalesce(a.first_contact_closed, 0) END::BIGINT AS first_contact_closed,
        CASE WHEN tr.closed_at AND tr.petitioner_id THEN coalesce(a.first_contact_resolved, 0) END::BIGINT AS first_contact_resolved,
        CASE WHEN tr.closed_at AND tr.followup_at THEN coalesce(a.closed_f, 0) END::BIGINT AS closed_f,
        CASE WHEN tr.closed_at AND tr.followup_at THEN coalesce(a.followed_up, 0) END::BIGINT AS followed_up,
        CASE WHEN tr.closed_at AND tr.satisfaction THEN coalesce(a.closed_s, 0) END::BIGINT AS closed_s,
        CASE WHEN tr.closed_at AND tr.satisfaction THEN coalesce(a.rated, 0) END::BIGINT AS rated,
        CASE WHEN tr.closed_at AND tr.satisfaction THEN coalesce(a.satisfied, 0) END::BIGINT AS satisfied,
        CASE WHEN tr.closed_at AND tr.satisfaction THEN coalesce(a.basically, 0) END::BIGINT AS basically,
        CASE WHEN tr.closed_at AND tr.justified THEN coalesce(a.justified, 0) END::BIGINT AS justified,
        CASE WHEN tr.closed_at AND tr.justified THEN coalesce(a.partly, 0) END::BIGINT AS partly
    FROM mart.row_keys k
    CROSS JOIN mart.tracked_row tr
    LEFT JOIN clo_agg a USING (unit_id, rollup, period_type, period)
)
SELECT unit_id, rollup, period_type, period, period_start, period_end, complete,
    closed,
    not_ceased,
    CASE WHEN closed_p > 0 THEN not_ceased::DOUBLE / closed_p END AS not_ceased_rate,
    first_contact_closed, first_contact_resolved,
    CASE WHEN first_contact_closed > 0 THEN first_contact_resolved::DOUBLE / first_contact_closed END AS first_contact_rate,
    followed_up,
    CASE WHEN closed_f > 0 THEN followed_up::DOUBLE / closed_f END AS followup_rate,
    rated, satisfied, basically,
    CASE WHEN rated > 0 THEN (satisfied + basically)::DOUBLE / rated END AS satisfaction_rate,
    CASE WHEN closed_s > 0 THEN rated::DOUBLE / closed_s END AS participation_rate,
    justified, partly
FROM x
ORDER BY unit_id, rollup, period_type, period_start;

DROP TABLE IF EXISTS clo_um;
DROP TABLE IF EXISTS clo_agg;
