package brief

// What the 情况通报 reads: mart tables only, as built for the quarter's last day.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

type volume struct {
	petitions, persons int64
	yoyPct, popPct     sql.NullFloat64
	yoyBase, popBase   sql.NullInt64
}

type trend struct {
	label                     string
	z, slopeAnnual, ttmChange sql.NullFloat64
	months                    int64
	windowStart, windowEnd    sql.NullTime
	ttm, prevTTM              sql.NullInt64
}

type target struct {
	metric, op                                  string
	target                                      float64
	actual, projected, actualChange, projChange sql.NullFloat64
	priorYTD, priorTotal                        sql.NullInt64
	status                                      sql.NullString
}

// indicator is one appraisal indicator's value for the whole system (ALL) in the
// quarter, in percent like mart.appraisal_indicators, with its denominator.
type indicator struct {
	id    string
	value sql.NullFloat64
	den   sql.NullInt64
}

type peerRow struct {
	group   string
	units   int64
	score   sql.NullFloat64
	medians map[string]sql.NullFloat64
}

type vetoRow struct {
	scope, subject, name, rule, metric, op string
	value                                  sql.NullInt64
	threshold                              float64
}

type apRow struct {
	unit, name, group string
	score             sql.NullFloat64
	grade, finalGrade sql.NullString
	veto              bool
	rank, peerSize    sql.NullInt64
}

type inspectRow struct {
	unit, name, label   string
	ttm, prevTTM        sql.NullInt64
	ttmChange           sql.NullFloat64
	onTime, repeat      sql.NullFloat64
	lowOnTime, hiRepeat bool
}

// facts is everything the document states.
type facts struct {
	quarter, prevQuarter, year string
	asOf                       time.Time
	vol                        volume
	trend                      trend
	trendOK                    bool
	targets                    []target
	system                     []indicator
	peers                      []peerRow
	veto                       []vetoRow
	commend                    []apRow
	ranking                    []apRow
	inspect                    []inspectRow
	otCut, rrCut               sql.NullFloat64
	campaigns                  []campaignRow // SPEC §9: campaigns whose window overlaps the quarter
	alerts                     []alertRow    // SPEC §10: the quarter's last alert week
	alertWeek                  time.Time
}

// systemSQL reads an indicator's ALL value for the quarter from the mart that defines
// it, in percent and with the denominator appraisal uses (docs/METRICS.md Appraisal).
// Decision: kept here rather than derived from mart.appraisal_indicators, which holds
// known units only; the registry branch is making one list of indicators to use instead.
var systemSQL = map[string][2]string{
	"on_time_rate":           {"timeliness", "on_time_rate * 100, due"},
	"acceptance_rate":        {"acceptance", "acceptance_rate * 100, accept_due"},
	"repeat_rate":            {"repeat", "repeat_rate * 100, petitions"},
	"repeat_petitioner_rate": {"repeat", "repeat_petitioner_rate * 100, petitioners"},
	"first_contact_rate":     {"closure", "first_contact_rate * 100, first_contact_closed"},
	"feedback_rate":          {"feedback", "feedback_rate * 100, feedback_due"},
	"followup_rate":          {"closure", "followup_rate * 100, closed"},
	"satisfaction_rate":      {"closure", "satisfaction_rate * 100, rated"},
	"not_ceased_rate":        {"closure", "not_ceased_rate * 100, closed"},
	"yoy_pct":                {"volume", "yoy_pct, yoy_base"},
}

const allQuarter = ` WHERE unit_id = 'ALL' AND rollup AND period_type = 'quarter' AND period = ?`

func load(ctx context.Context, db *sql.DB, cfg *config.Config, quarter string, end time.Time) (*facts, error) {
	f := &facts{quarter: quarter, prevQuarter: prevQuarter(end), year: strconv.Itoa(end.Year())}
	var asOf sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT max(as_of) FROM mart.trend`).Scan(&asOf); err != nil {
		return nil, fmt.Errorf("brief: read mart.trend: %w", err)
	}
	if !asOf.Valid || !sameDay(asOf.Time, end) {
		got := "nothing"
		if asOf.Valid {
			got = asOf.Time.Format("2006-01-02")
		}
		return nil, fmt.Errorf("brief: the marts are built as of %s, the %s brief needs them as of %s", got, quarter, end.Format("2006-01-02"))
	}
	f.asOf = asOf.Time

	v := &f.vol
	if err := db.QueryRowContext(ctx, `SELECT petitions, persons, yoy_pct, pop_pct, yoy_base, pop_base FROM mart.volume`+allQuarter, quarter).
		Scan(&v.petitions, &v.persons, &v.yoyPct, &v.popPct, &v.yoyBase, &v.popBase); err != nil {
		return nil, fmt.Errorf("brief: read mart.volume for ALL %s: %w", quarter, err)
	}
	t := &f.trend
	err := db.QueryRowContext(ctx, `SELECT label, mk_z, sens_slope_annual, ttm_change_pct, months, window_start, window_end, ttm, prev_ttm
		FROM mart.trend WHERE unit_id = 'ALL' AND rollup`).
		Scan(&t.label, &t.z, &t.slopeAnnual, &t.ttmChange, &t.months, &t.windowStart, &t.windowEnd, &t.ttm, &t.prevTTM)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return nil, fmt.Errorf("brief: read mart.trend: %w", err)
	default:
		f.trendOK = true
	}

	rows, err := db.QueryContext(ctx, `SELECT metric, op, target, actual_ytd, projected, actual_change_pct, projected_change_pct, prior_ytd, prior_total, status
		FROM mart.targets WHERE unit_id = 'ALL' AND rollup AND year = ? ORDER BY metric = 'volume_change_pct' DESC, metric`, end.Year())
	if err != nil {
		return nil, fmt.Errorf("brief: read mart.targets: %w", err)
	}
	if err := scanAll(rows, func() error {
		var x target
		if err := rows.Scan(&x.metric, &x.op, &x.target, &x.actual, &x.projected, &x.actualChange, &x.projChange, &x.priorYTD, &x.priorTotal, &x.status); err != nil {
			return err
		}
		f.targets = append(f.targets, x)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("brief: read mart.targets: %w", err)
	}

	for _, ind := range cfg.Appraisal.Indicators {
		x := indicator{id: ind.ID}
		if q, ok := systemSQL[ind.ID]; ok {
			if err := db.QueryRowContext(ctx, `SELECT `+q[1]+` FROM mart.`+q[0]+allQuarter, quarter).Scan(&x.value, &x.den); err != nil {
				return nil, fmt.Errorf("brief: read mart.%s for ALL %s: %w", q[0], quarter, err)
			}
		}
		f.system = append(f.system, x)
	}
	if err := f.loadPeers(ctx, db, cfg); err != nil {
		return nil, err
	}
	if err := f.loadVeto(ctx, db); err != nil {
		return nil, err
	}
	if err := f.loadAppraisal(ctx, db); err != nil {
		return nil, err
	}
	if err := f.loadInspect(ctx, db, cfg); err != nil {
		return nil, err
	}
	qStart := time.Date(end.Year(), end.Month()-2, 1, 0, 0, 0, 0, time.UTC)
	if err := f.loadExtensions(ctx, db, qStart, end); err != nil {
		return nil, err
	}
	return f, nil
}

// loadPeers: per peer group, the units with a score, their median score and the
// median of each indicator over the units where it is available (DuckDB
// quantile_cont: linear interpolation, as mart.peer_quantiles).
func (f *facts) loadPeers(ctx context.Context, db *sql.DB, cfg *config.Config) error {
	rows, err := db.QueryContext(ctx, `SELECT peer_group, count(score), quantile_cont(score, 0.5)
		FROM mart.appraisal WHERE period_type = 'quarter' AND period = ? AND NOT rollup GROUP BY peer_group ORDER BY peer_group`, f.quarter)
	if err != nil {
		return fmt.Errorf("brief: read mart.appraisal: %w", err)
	}
	idx := map[string]int{}
	if err := scanAll(rows, func() error {
		p := peerRow{medians: map[string]sql.NullFloat64{}}
		if err := rows.Scan(&p.group, &p.units, &p.score); err != nil {
			return err
		}
		idx[p.group] = len(f.peers)
		f.peers = append(f.peers, p)
		return nil
	}); err != nil {
		return fmt.Errorf("brief: read mart.appraisal: %w", err)
	}
	// The indicator medians are mart.appraisal_peer_median's (118), as on unit pages.
	rows, err = db.QueryContext(ctx, `SELECT peer_group, indicator, p50 FROM mart.appraisal_peer_median
		WHERE period_type = 'quarter' AND period = ?`, f.quarter)
	if err != nil {
		return fmt.Errorf("brief: read mart.appraisal_peer_median: %w", err)
	}
	return wrap("read mart.appraisal_peer_median", scanAll(rows, func() error {
		var g, ind string
		var m sql.NullFloat64
		if err := rows.Scan(&g, &ind, &m); err != nil {
			return err
		}
		if i, ok := idx[g]; ok {
			f.peers[i].medians[ind] = m
		}
		return nil
	}))
}

// loadVeto: the rules triggered in the quarter's year as of the quarter end, units
// first, by name.
func (f *facts) loadVeto(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT v.scope, v.subject_id, coalesce(u.name, v.subject_id), v.rule_id, v.metric, v.op, v.value, v.threshold
		FROM mart.veto v LEFT JOIN mart.units_known u ON v.scope = 'unit' AND u.unit_id = v.subject_id
		WHERE v.triggered AND v.year = ?
		ORDER BY v.scope = 'unit' DESC, coalesce(u.name, v.subject_id), v.subject_id, v.rule_id`, f.asOf.Year())
	if err != nil {
		return fmt.Errorf("brief: read mart.veto: %w", err)
	}
	return wrap("read mart.veto", scanAll(rows, func() error {
		var x vetoRow
		if err := rows.Scan(&x.scope, &x.subject, &x.name, &x.rule, &x.metric, &x.op, &x.value, &x.threshold); err != nil {
			return err
		}
		f.veto = append(f.veto, x)
		return nil
	}))
}

// apSelect is one row of mart.appraisal with the unit's name.
const apSelect = `SELECT a.unit_id, coalesce(u.name, a.unit_id) AS name, a.peer_group, a.score, a.grade, a.final_grade, a.veto, a.rank, a.peer_size
	FROM mart.appraisal a LEFT JOIN mart.units_known u USING (unit_id)`

func (f *facts) scanAp(rows *sql.Rows, dst *[]apRow) error {
	return scanAll(rows, func() error {
		var x apRow
		if err := rows.Scan(&x.unit, &x.name, &x.group, &x.score, &x.grade, &x.finalGrade, &x.veto, &x.rank, &x.peerSize); err != nil {
			return err
		}
		*dst = append(*dst, x)
		return nil
	})
}

// loadAppraisal reads the ranking (附件) and the commendation candidates: per peer
// group, the highest-scoring units that no veto touches (eligible_for_awards), ties
// all listed.
// Decision: the same rule as the report commendationCandidates, here in
// SQL; the registry branch moves that rule into a mart, which should replace this.
func (f *facts) loadAppraisal(ctx context.Context, db *sql.DB) error {
	where := ` WHERE a.period_type = 'quarter' AND a.period = ? AND NOT a.rollup`
	rows, err := db.QueryContext(ctx, apSelect+where+` ORDER BY a.peer_group, a.rank NULLS LAST, coalesce(u.name, a.unit_id), a.unit_id`, f.quarter)
	if err != nil {
		return fmt.Errorf("brief: read mart.appraisal: %w", err)
	}
	if err := f.scanAp(rows, &f.ranking); err != nil {
		return fmt.Errorf("brief: read mart.appraisal: %w", err)
	}
	// The rule (best of each peer group of ≥ 2, untouched by a veto, at least
	// appraisal.commend_min_grade) lives in 121_commendation.sql, as on the review page.
	rows, err = db.QueryContext(ctx, `SELECT a.unit_id, coalesce(u.name, a.unit_id) AS name, a.peer_group, a.score, a.grade, a.final_grade, a.veto, a.rank, a.peer_size
		FROM mart.commendation_candidates a LEFT JOIN mart.units_known u USING (unit_id)`+where+` ORDER BY a.peer_group, name, a.unit_id`, f.quarter)
	if err != nil {
		return fmt.Errorf("brief: commendation candidates: %w", err)
	}
	return wrap("commendation candidates", f.scanAp(rows, &f.commend))
}

// loadInspect computes the inspection priorities: units whose volume rises (trend
// verdict rising, or a positive last-12-month change) while their on-time rate is in
// the worst quarter of units (≤ 25th percentile) or their repeat rate is (≥ 75th
// percentile) in the quarter; only units with at least min_n cases count for the
// rates. Sorted by the 12-month change, largest first; at most 2 × report.top_n.
// Decision: the same rule as the report inspectSection, here in SQL; the
// registry branch moves it into a mart, which should replace this query.
func (f *facts) loadInspect(ctx context.Context, db *sql.DB, cfg *config.Config) error {
	topN := cfg.Report.TopN
	if topN <= 0 {
		topN = 10
	}
	// The rule (rising volume with a bottom-quartile on-time rate or a top-quartile
	// repeat rate) is mart.inspection_priority's (116), as on the review page.
	if err := db.QueryRowContext(ctx, `SELECT any_value(on_time_cut), any_value(repeat_cut) FROM mart.inspection_priority
		WHERE period_type = 'quarter' AND period = ?`, f.quarter).Scan(&f.otCut, &f.rrCut); err != nil {
		return fmt.Errorf("brief: inspection priorities: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT p.unit_id, u.name, p.label, p.ttm, t.prev_ttm, p.ttm_change_pct, p.on_time_rate, p.repeat_rate,
			p.low_on_time, p.high_repeat
		FROM mart.inspection_priority p JOIN mart.units_known u USING (unit_id)
		LEFT JOIN mart.trend t ON t.unit_id = p.unit_id AND NOT t.rollup
		WHERE p.period_type = 'quarter' AND p.period = ? AND p.priority
		ORDER BY (p.ttm_change_pct IS NOT NULL AND isfinite(p.ttm_change_pct)) DESC, p.ttm_change_pct DESC, u.name, p.unit_id
		LIMIT ?`, f.quarter, 2*topN)
	if err != nil {
		return fmt.Errorf("brief: inspection priorities: %w", err)
	}
	return wrap("inspection priorities", scanAll(rows, func() error {
		var x inspectRow
		if err := rows.Scan(&x.unit, &x.name, &x.label, &x.ttm, &x.prevTTM, &x.ttmChange, &x.onTime, &x.repeat, &x.lowOnTime, &x.hiRepeat); err != nil {
			return err
		}
		f.inspect = append(f.inspect, x)
		return nil
	}))
}

func scanAll(rows *sql.Rows, each func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := each(); err != nil {
			return err
		}
	}
	return rows.Err()
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("brief: %s: %w", what, err)
	}
	return nil
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.Month() == b.Month() && a.Day() == b.Day()
}

func prevQuarter(end time.Time) string {
	p := end.AddDate(0, -3, 0)
	return fmt.Sprintf("%d-Q%d", p.Year(), (int(p.Month())-1)/3+1)
}
