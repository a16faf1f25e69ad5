package charts

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// data is what the pages share, loaded once per rendering so that hundreds of unit
// pages cost no further queries.
type data struct {
	volMonth   map[string]map[bool][]row // unit -> rollup -> monthly volume rows by period
	volMA      map[string]map[bool][]row // unit -> rollup -> monthly 12-month moving average rows
	months     []string                  // every month of the data, in order
	volCur     map[string]map[string]row // unit (own; ALL) -> period -> volume row
	trend      map[string]row            // unit (own; ALL) -> trend row
	trendIncl  map[string]row            // unit incl. descendants -> trend row
	year       map[string]map[string]row // table -> unit -> row for the as-of year (own; ALL)
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
	openListed map[string][]row
	openLeader map[string][]row
	repeaters  map[string][]row
	notCeased  map[string][]row
	targets    []row
}

// byUnit groups rows by unit_id.
func byUnit(rows []row) map[string][]row {
	m := map[string][]row{}
	for _, r := range rows {
		m[r.str("unit_id")] = append(m[r.str("unit_id")], r)
	}
	return m
}

var yearTables = []string{"volume", "repeat", "closure", "timeliness", "acceptance", "feedback", "supervision"}

func (s *site) load() (*data, error) {
	d := &data{year: map[string]map[string]row{}, monthAll: map[string][]row{}}

	key := []string{"unit_id", "rollup", "period_type", "period"}
	// Monthly volume of every unit, both rollups: trends, heatmap and unit pages.
	rows, err := s.src.query("mart.volume", append(key, "petitions"),
		`SELECT unit_id, rollup, period, petitions, yoy_pct FROM mart.volume WHERE period_type = 'month' ORDER BY period`)
	if err != nil {
		return nil, err
	}
	d.volMonth = map[string]map[bool][]row{}
	seen := map[string]bool{}
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
	rows, err = s.src.query("mart.volume_moving_average", []string{"unit_id", "rollup", "period", "ma12"},
		`SELECT unit_id, rollup, period, ma12 FROM mart.volume_moving_average ORDER BY period`)
	if err != nil {
		return nil, err
	}
	d.volMA = map[string]map[bool][]row{}
	for _, r := range rows {
		u := r.str("unit_id")
		if d.volMA[u] == nil {
			d.volMA[u] = map[bool][]row{}
		}
		d.volMA[u][r.b("rollup")] = append(d.volMA[u][r.b("rollup")], r)
	}
	rows, err = s.src.query("mart.volume", append(key, "petitions", "yoy_pct", "pop_pct"),
		`SELECT * FROM mart.volume WHERE NOT rollup OR unit_id = 'ALL'`)
	if err != nil {
		return nil, err
	}
	d.volCur = map[string]map[string]row{}
	for _, r := range rows {
		u := r.str("unit_id")
		if d.volCur[u] == nil {
			d.volCur[u] = map[string]row{}
		}
		d.volCur[u][r.str("period")] = r
	}
	rows, err = s.src.query("mart.trend", []string{"unit_id", "rollup", "label", "mk_z", "sens_slope", "months", "ttm", "prev_ttm", "ttm_change_pct"},
		`SELECT * FROM mart.trend`)
	if err != nil {
		return nil, err
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
	for _, t := range yearTables {
		rows, err := s.src.query("mart."+t, key,
			`SELECT * FROM mart.`+t+` WHERE period_type = 'year' AND period = ? AND (NOT rollup OR unit_id = 'ALL')`, s.year)
		if err != nil {
			return nil, err
		}
		d.year[t] = map[string]row{}
		for _, r := range rows {
			d.year[t][r.str("unit_id")] = r
		}
		rows, err = s.src.query("mart."+t, key,
			`SELECT * FROM mart.`+t+` WHERE period_type = 'month' AND unit_id = 'ALL' ORDER BY period`)
		if err != nil {
			return nil, err
		}
		d.monthAll[t] = rows
	}
	d.apRows, err = s.src.query("mart.appraisal", []string{"unit_id", "period_type", "period", "peer_group", "score", "grade", "final_grade", "rank"},
		`SELECT * FROM mart.appraisal WHERE period_type = 'quarter' AND period = ? AND NOT rollup ORDER BY peer_group, rank NULLS LAST, unit_id`, s.apPeriod)
	if err != nil {
		return nil, err
	}
	rows, err = s.src.query("mart.appraisal_indicators", []string{"unit_id", "period_type", "period", "indicator", "value", "available", "weight", "points"},
		`SELECT * FROM mart.appraisal_indicators WHERE period_type = 'quarter' AND period = ? AND NOT rollup`, s.apPeriod)
	if err != nil {
		return nil, err
	}
	d.apInd = byUnit(rows)
	rows, err = s.src.query("mart.appraisal_peer_median", []string{"peer_group", "period_type", "period", "indicator", "p50"},
		`SELECT peer_group, indicator, n, p50 FROM mart.appraisal_peer_median WHERE period_type = 'quarter' AND period = ?`, s.apPeriod)
	if err != nil {
		return nil, err
	}
	d.peerMedian = map[string]row{}
	for _, r := range rows {
		d.peerMedian[r.str("peer_group")+"|"+r.str("indicator")] = r
	}
	d.overdueAll, err = s.src.query("mart.open_overdue", []string{"unit_id", "petition_id", "received_date", "handle_deadline", "days_overdue"},
		`SELECT * FROM mart.open_overdue ORDER BY days_overdue DESC, unit_id, petition_id`)
	if err != nil {
		return nil, err
	}
	d.overdue = byUnit(d.overdueAll)
	d.dueSoonAll, err = s.src.query("mart.due_soon", []string{"unit_id", "petition_id", "received_date", "handle_deadline", "days_left"},
		`SELECT * FROM mart.due_soon ORDER BY days_left, unit_id, petition_id`)
	if err != nil {
		return nil, err
	}
	d.dueSoon = byUnit(d.dueSoonAll)
	d.veto, err = s.src.query("mart.veto", []string{"scope", "subject_id", "year", "rule_id", "metric", "op", "value", "threshold", "triggered"},
		`SELECT * FROM mart.veto ORDER BY year DESC, triggered DESC, scope, subject_id, rule_id`)
	if err != nil {
		return nil, err
	}
	d.vetoByUnit = map[string][]row{}
	for _, r := range d.veto {
		if r.str("scope") == "unit" && r.b("triggered") {
			d.vetoByUnit[r.str("subject_id")] = append(d.vetoByUnit[r.str("subject_id")], r)
		}
	}
	// Open listed-supervision and leader-owned matters: exception lists for inspectors.
	// mart.record_deadlines has the deadlines, mart.records the supervision fields and
	// the pseudonym (asking record_deadlines for them once emptied these lists).
	rows, err = s.src.query("mart.record_deadlines", []string{"unit_id", "source", "petition_id", "received_date", "handle_deadline", "closed_date", "t_closed_at"},
		`SELECT d.unit_id, d.source, d.petition_id, d.received_date, d.handle_deadline, r.listed_supervision, r.leader_owner, r.petitioner_id
		 FROM mart.record_deadlines d
		 JOIN mart.records r ON r.source = d.source AND r.petition_id = d.petition_id
		 WHERE d.t_closed_at AND d.closed_date IS NULL AND (r.listed_supervision OR r.leader_owner IS NOT NULL)
		 ORDER BY d.handle_deadline, d.petition_id`)
	if err != nil {
		return nil, err
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
	// Repeat petitioners and not-ceased closures of the last 12 months, by pseudonym
	// (the window is defined in 119_recent_lists.sql).
	rows, err = s.src.query("mart.recent_repeaters", []string{"unit_id", "petitioner_id", "repeats", "last_received"},
		`SELECT unit_id, petitioner_id, repeats, last_received FROM mart.recent_repeaters
		 ORDER BY repeats DESC, last_received DESC, petitioner_id`)
	if err != nil {
		return nil, err
	}
	d.repeaters = byUnit(rows)
	rows, err = s.src.query("mart.recent_not_ceased", []string{"unit_id", "source", "petition_id", "petitioner_id", "received_date", "closed_date"},
		`SELECT unit_id, source, petition_id, petitioner_id, received_date, closed_date FROM mart.recent_not_ceased
		 ORDER BY closed_date DESC, petition_id`)
	if err != nil {
		return nil, err
	}
	d.notCeased = byUnit(rows)
	d.targets, err = s.src.query("mart.targets", []string{"unit_id", "rollup", "year", "metric", "op", "target", "actual_ytd", "projected", "status"},
		`SELECT * FROM mart.targets WHERE year = ? ORDER BY unit_id = 'ALL' DESC, unit_id, metric`, s.yearInt())
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *site) yearInt() int {
	y, _ := strconv.Atoi(s.year)
	return y
}

// series ---------------------------------------------------------------------

// monthSeries lines the rows' values up with months (missing months stay nil).
func monthSeries(months []string, rows []row, k string) []*float64 {
	idx := map[string]*float64{}
	for _, r := range rows {
		idx[r.str("period")] = r.f(k)
	}
	out := make([]*float64, len(months))
	for i, m := range months {
		out[i] = idx[m]
	}
	return out
}

func percentSeries(vals []*float64) []*float64 {
	out := make([]*float64, len(vals))
	for i, v := range vals {
		if finite(v) {
			out[i] = ptr(math.Round(*v*1000) / 10)
		}
	}
	return out
}

// listArchives returns the quarters archived under dir/archive, newest first.
func listArchives(dir string) []string {
	entries, err := os.ReadDir(filepath.Join(dir, "archive"))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if _, _, err := ParseQuarter(e.Name()); err == nil && e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}

func (s *site) add(p *page) { s.pages = append(s.pages, p) }

func (s *site) sprintf(key string, args ...any) string { return fmt.Sprintf(s.c.T(key), args...) }
