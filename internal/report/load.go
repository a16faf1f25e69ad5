package report

import (
	"sort"
	"strconv"
	"strings"
	"sync"
)

// data holds what one page (or the set of unit pages) has loaded. Each page builder
// makes its own and names the loaders it needs (loadInto), so a page never depends on
// what another page queried; the unit pages load once for all units, so that hundreds
// of pages cost no further queries.
type data struct {
	volMonth   map[string]map[bool][]row // unit -> rollup -> monthly volume (petitions, ma12) rows by period
	months     []string                  // every month of the data, in order
	volCur     map[string]map[string]row // unit (own; ALL) -> period -> volume row
	trend      map[string]row            // unit (own; ALL) -> trend row
	trendIncl  map[string]row            // unit incl. descendants -> trend row
	monthAll   map[string][]row          // table -> ALL monthly rows
	apRows     []row
	apInd      map[string][]row // unit -> indicators of apPeriod
	peerMedian map[string]row   // peer_group + "|" + indicator -> mart.appraisal_peer_median row of apPeriod
	overdue    map[string][]row
	overdueAll []row
	dueSoon    map[string][]row
	dueSoonAll []row
	veto       []row
	vetoByUnit map[string][]row
	// handler id -> its units (mart.veto_handler_units), most records first
	handlerUnits map[string][]row
	goals        []row // the whole system's targets of every year (mart.targets), for goal lines
	openListed   map[string][]row
	openLeader   map[string][]row
	repeaters    map[string][]row
	notCeased    map[string][]row
	targets      []row
	cohort       map[string][]row // unit -> mart.cohort monthly rows, newest first (cohort_section.go)
}

// loader fills part of a page's data.
type loader func(d *data) error

// martReader holds what the loaders need to read the marts for one rendering: the
// source and the periods a page shows by default. The pages only get rows from it.
type martReader struct {
	src      *source
	year     string // the as-of year ("2026")
	apPeriod string // the appraisal quarter shown (latest complete quarter, or review quarter)
	// The record lists grow with the records and two pages each show them (the whole
	// list, and every unit's part): they are read once per rendering and shared, only
	// read by the pages.
	openLists, veto sharedLoad
}

// sharedLoad is a loader's result read once for every page that names it.
type sharedLoad struct {
	once sync.Once
	d    data
	err  error
}

func (l *sharedLoad) load(read loader) (*data, error) {
	l.once.Do(func() { l.err = read(&l.d) })
	return &l.d, l.err
}

func (m *martReader) yearInt() int {
	y, _ := strconv.Atoi(m.year)
	return y
}

// loadInto runs the loaders a page needs into a fresh data.
func (m *martReader) loadInto(loaders ...loader) (*data, error) {
	d := &data{}
	for _, l := range loaders {
		if err := l(d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// byUnit groups rows by unit_id.
func byUnit(rows []row) map[string][]row {
	m := map[string][]row{}
	for _, r := range rows {
		m[r.str("unit_id")] = append(m[r.str("unit_id")], r)
	}
	return m
}

var periodKey = []string{"unit_id", "rollup", "period_type", "period"}

// unitFilter restricts a period-table query to one unit ("" = every unit).
func unitFilter(unit string) (string, []any) {
	if unit == "" {
		return "", nil
	}
	return " AND unit_id = ?", []any{unit}
}

// loadMonthlyVolume loads the monthly volume with its 12-month moving average (ma12,
// mart.volume_moving_average) of one unit, or of every unit when unit is "", both
// rollups; ownOnly leaves out the rollup rows of units (ALL is kept).
func (m *martReader) loadMonthlyVolume(unit string, ownOnly bool) loader {
	return func(d *data) error {
		w, args := unitFilter(unit)
		if ownOnly {
			w += " AND (NOT v.rollup OR v.unit_id = 'ALL')"
		}
		w = strings.ReplaceAll(w, " unit_id = ?", " v.unit_id = ?")
		rows, err := m.src.query("mart.volume_moving_average", append(periodKey, "ma12"),
			`SELECT v.unit_id, v.rollup, v.period, v.petitions, m.ma12
			 FROM mart.volume v
			 JOIN mart.volume_moving_average m USING (unit_id, rollup, period_type, period)
			 WHERE v.period_type = 'month'`+w+` ORDER BY v.period`, args...)
		if err != nil {
			return err
		}
		d.volMonth = map[string]map[bool][]row{}
		seen := map[string]bool{}
		d.months = nil
		for _, r := range rows {
			u := r.str("unit_id")
			if d.volMonth[u] == nil {
				d.volMonth[u] = map[bool][]row{}
			}
			d.volMonth[u][r.b("rollup")] = append(d.volMonth[u][r.b("rollup")], r)
			if !seen[r.str("period")] {
				seen[r.str("period")] = true
				d.months = append(d.months, r.str("period"))
			}
		}
		sort.Strings(d.months)
		return nil
	}
}

// loadCurrentVolume loads every period's volume row of the units' own records and ALL
// (cards for this month, quarter and year).
func (m *martReader) loadCurrentVolume(unit string) loader {
	return func(d *data) error {
		w, args := unitFilter(unit)
		rows, err := m.src.query("mart.volume", append(periodKey, "petitions", "yoy_pct", "pop_pct"),
			`SELECT * FROM mart.volume WHERE (NOT rollup OR unit_id = 'ALL')`+w, args...)
		if err != nil {
			return err
		}
		d.volCur = map[string]map[string]row{}
		for _, r := range rows {
			u := r.str("unit_id")
			if d.volCur[u] == nil {
				d.volCur[u] = map[string]row{}
			}
			d.volCur[u][r.str("period")] = r
		}
		return nil
	}
}

func (m *martReader) loadTrend(d *data) error {
	rows, err := m.src.query("mart.trend", []string{"unit_id", "rollup", "label", "mk_z", "sens_slope", "months", "ttm", "prev_ttm", "ttm_change_pct"},
		`SELECT * FROM mart.trend`)
	if err != nil {
		return err
	}
	d.trend, d.trendIncl = map[string]row{}, map[string]row{}
	for _, r := range rows {
		if !r.b("rollup") || r.str("unit_id") == "ALL" {
			d.trend[r.str("unit_id")] = r
		}
		if r.b("rollup") {
			d.trendIncl[r.str("unit_id")] = r
		}
	}
	return nil
}

// loadMonthAll loads the whole system's monthly rows of the given period tables.
func (m *martReader) loadMonthAll(tables ...string) loader {
	return func(d *data) error {
		if d.monthAll == nil {
			d.monthAll = map[string][]row{}
		}
		for _, t := range tables {
			rows, err := m.src.query("mart."+t, periodKey,
				`SELECT * FROM mart.`+t+` WHERE period_type = 'month' AND unit_id = 'ALL' ORDER BY period`)
			if err != nil {
				return err
			}
			d.monthAll[t] = rows
		}
		return nil
	}
}

// loadAppraisal loads the appraisal quarter's ranking, indicators and peer medians.
func (m *martReader) loadAppraisal(d *data) error {
	var err error
	d.apRows, err = m.src.query("mart.appraisal", []string{"unit_id", "period_type", "period", "peer_group", "score", "grade", "final_grade", "rank"},
		`SELECT * FROM mart.appraisal WHERE period_type = 'quarter' AND period = ? AND NOT rollup ORDER BY peer_group, rank NULLS LAST, unit_id`, m.apPeriod)
	if err != nil {
		return err
	}
	rows, err := m.src.query("mart.appraisal_indicators", []string{"unit_id", "period_type", "period", "indicator", "value", "available", "weight", "points"},
		`SELECT * FROM mart.appraisal_indicators WHERE period_type = 'quarter' AND period = ? AND NOT rollup`, m.apPeriod)
	if err != nil {
		return err
	}
	d.apInd = byUnit(rows)
	rows, err = m.src.query("mart.appraisal_peer_median", []string{"peer_group", "period_type", "period", "indicator", "p50"},
		`SELECT peer_group, indicator, n, p50 FROM mart.appraisal_peer_median WHERE period_type = 'quarter' AND period = ?`, m.apPeriod)
	if err != nil {
		return err
	}
	d.peerMedian = map[string]row{}
	for _, r := range rows {
		d.peerMedian[r.str("peer_group")+"|"+r.str("indicator")] = r
	}
	return nil
}

// loadOpenLists loads the open overdue and due-soon matters.
func (m *martReader) loadOpenLists(d *data) error {
	sh, err := m.openLists.load(m.readOpenLists)
	d.overdueAll, d.overdue, d.dueSoonAll, d.dueSoon = sh.overdueAll, sh.overdue, sh.dueSoonAll, sh.dueSoon
	return err
}

func (m *martReader) readOpenLists(d *data) error {
	var err error
	d.overdueAll, err = m.src.query("mart.open_overdue", []string{"unit_id", "petition_id", "received_date", "handle_deadline", "days_overdue"},
		`SELECT * FROM mart.open_overdue ORDER BY days_overdue DESC, unit_id, petition_id`)
	if err != nil {
		return err
	}
	d.overdue = byUnit(d.overdueAll)
	d.dueSoonAll, err = m.src.query("mart.due_soon", []string{"unit_id", "petition_id", "received_date", "handle_deadline", "days_left"},
		`SELECT * FROM mart.due_soon ORDER BY days_left, unit_id, petition_id`)
	if err != nil {
		return err
	}
	d.dueSoon = byUnit(d.dueSoonAll)
	return nil
}

// loadVeto loads every rule evaluation, and the triggered ones by unit.
func (m *martReader) loadVeto(d *data) error {
	sh, err := m.veto.load(m.readVeto)
	d.veto, d.vetoByUnit = sh.veto, sh.vetoByUnit
	return err
}

func (m *martReader) readVeto(d *data) error {
	var err error
	d.veto, err = m.src.query("mart.veto", []string{"scope", "subject_id", "year", "rule_id", "metric", "op", "value", "threshold", "triggered"},
		`SELECT * FROM mart.veto ORDER BY year DESC, triggered DESC, scope, subject_id, rule_id`)
	if err != nil {
		return err
	}
	d.vetoByUnit = map[string][]row{}
	for _, r := range d.veto {
		if r.str("scope") == "unit" && r.b("triggered") {
			d.vetoByUnit[r.str("subject_id")] = append(d.vetoByUnit[r.str("subject_id")], r)
		}
	}
	return nil
}

// loadInspectorLists loads the unit pages' exception lists: open listed-supervision and
// leader-owned matters, repeat petitioners and not-ceased closures of the last 12 months.
func (m *martReader) loadInspectorLists(d *data) error {
	rows, err := m.src.query("mart.open_supervised", []string{"unit_id", "source", "petition_id", "received_date", "handle_deadline", "listed_supervision", "leader_owner", "petitioner_id"},
		`SELECT unit_id, source, petition_id, received_date, handle_deadline, listed_supervision, leader_owner, petitioner_id
		 FROM mart.open_supervised ORDER BY handle_deadline, petition_id, source`)
	if err != nil {
		return err
	}
	d.openListed, d.openLeader = map[string][]row{}, map[string][]row{}
	for _, r := range rows {
		if r.b("listed_supervision") {
			d.openListed[r.str("unit_id")] = append(d.openListed[r.str("unit_id")], r)
		}
		if r.str("leader_owner") != "" {
			d.openLeader[r.str("unit_id")] = append(d.openLeader[r.str("unit_id")], r)
		}
	}
	// The 12-month window is defined in 119_recent_lists.sql.
	rows, err = m.src.query("mart.recent_repeaters", []string{"unit_id", "petitioner_id", "repeats", "last_received"},
		`SELECT unit_id, petitioner_id, repeats, last_received FROM mart.recent_repeaters
		 ORDER BY repeats DESC, last_received DESC, petitioner_id`)
	if err != nil {
		return err
	}
	d.repeaters = byUnit(rows)
	rows, err = m.src.query("mart.recent_not_ceased", []string{"unit_id", "source", "petition_id", "petitioner_id", "received_date", "closed_date"},
		`SELECT unit_id, source, petition_id, petitioner_id, received_date, closed_date FROM mart.recent_not_ceased
		 ORDER BY closed_date DESC, petition_id`)
	if err != nil {
		return err
	}
	d.notCeased = byUnit(rows)
	return nil
}

func (m *martReader) loadTargets(d *data) error {
	var err error
	d.targets, err = m.src.query("mart.targets", []string{"unit_id", "rollup", "year", "metric", "op", "target", "actual_ytd", "projected", "status"},
		`SELECT * FROM mart.targets WHERE year = ? ORDER BY unit_id = 'ALL' DESC, unit_id, metric`, m.yearInt())
	return err
}

// loadGoals loads the whole system's targets of every configured year: the goal lines
// of the monthly rate charts.
func (m *martReader) loadGoals(d *data) error {
	var err error
	d.goals, err = m.src.query("mart.targets", []string{"unit_id", "rollup", "year", "metric", "op", "target"},
		`SELECT year, metric, op, target FROM mart.targets WHERE unit_id = 'ALL' AND rollup ORDER BY metric, year`)
	return err
}
