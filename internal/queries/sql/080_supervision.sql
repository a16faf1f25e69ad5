-- Listed supervision 挂牌督办, leader-owned cases 领导包案, mass incidents 群体性事件 and
-- traced faults 责任倒查 (SPEC §4), by received period.
--   listed               listed_supervision = true
--   listed_closed        of those, closed by as_of
--   listed_overdue       of those, not closed by as_of and handle_deadline < as_of
--   leader_owned(_closed|_overdue)  the same for a non-blank leader_owner
--   mass_incidents       mass_incident = true
--   traced_faults        traced_fault = true
-- Each column counts only records whose source maps the fields it needs (closed/overdue
-- also need closed_at) and is NULL in every row when those fields are not tracked.
CREATE OR REPLACE TABLE mart.supervision AS
WITH
by_month AS (
    SELECT unit_id, CAST(date_trunc('month', received_date) AS DATE) AS month_start,
           count(*) FILTER (WHERE t_listed_supervision AND listed_supervision) AS listed,
           count(*) FILTER (WHERE t_listed_supervision AND listed_supervision AND t_closed_at
                              AND closed_date IS NOT NULL) AS listed_closed,
           count(*) FILTER (WHERE t_listed_supervision AND listed_supervision AND t_closed_at
                              AND closed_date IS NULL AND handle_deadline < getvariable('as_of')) AS listed_overdue,
           count(*) FILTER (WHERE t_leader_owner AND leader_owned) AS leader_owned,
           count(*) FILTER (WHERE t_leader_owner AND leader_owned AND t_closed_at
                              AND closed_date IS NOT NULL) AS leader_owned_closed,
           count(*) FILTER (WHERE t_leader_owner AND leader_owned AND t_closed_at
                              AND closed_date IS NULL AND handle_deadline < getvariable('as_of')) AS leader_owned_overdue,
           count(*) FILTER (WHERE t_mass_incident AND mass_incident) AS mass_incidents,
           count(*) FILTER (WHERE t_traced_fault AND traced_fault) AS traced_faults
    FROM mart.record_deadlines
    GROUP BY ALL
),
agg AS (
    SELECT s.unit_id, s.rollup, pm.period_type, pm.period,
           sum(x.listed) AS listed, sum(x.listed_closed) AS listed_closed,
           sum(x.listed_overdue) AS listed_overdue, sum(x.leader_owned) AS leader_owned,
           sum(x.leader_owned_closed) AS leader_owned_closed,
           sum(x.leader_owned_overdue) AS leader_owned_overdue,
           sum(x.mass_incidents) AS mass_incidents, sum(x.traced_faults) AS traced_faults
    FROM by_month x
    JOIN mart.period_months pm ON pm.month_start = x.month_start
    JOIN mart.unit_scope s ON s.member_unit_id = x.unit_id
    GROUP BY ALL
)
SELECT k.unit_id, k.rollup, k.period_type, k.period, k.period_start, k.period_end, k.complete,
       CASE WHEN t.listed_supervision THEN CAST(coalesce(a.listed, 0) AS BIGINT) END AS listed,
       CASE WHEN t.listed_supervision AND t.closed_at THEN CAST(coalesce(a.listed_closed, 0) AS BIGINT) END AS listed_closed,
       CASE WHEN t.listed_supervision AND t.closed_at THEN CAST(coalesce(a.listed_overdue, 0) AS BIGINT) END AS listed_overdue,
       CASE WHEN t.leader_owner THEN CAST(coalesce(a.leader_owned, 0) AS BIGINT) END AS leader_owned,
       CASE WHEN t.leader_owner AND t.closed_at THEN CAST(coalesce(a.leader_owned_closed, 0) AS BIGINT) END AS leader_owned_closed,
       CASE WHEN t.leader_owner AND t.closed_at THEN CAST(coalesce(a.leader_owned_overdue, 0) AS BIGINT) END AS leader_owned_overdue,
       CASE WHEN t.mass_incident THEN CAST(coalesce(a.mass_incidents, 0) AS BIGINT) END AS mass_incidents,
       CASE WHEN t.traced_fault THEN CAST(coalesce(a.traced_faults, 0) AS BIGINT) END AS traced_faults
FROM mart.row_keys k
CROSS JOIN mart.tracked_row t
LEFT JOIN agg a USING (unit_id, rollup, period_type, period)
ORDER BY k.unit_id, k.rollup, k.period_type, k.period_start;
