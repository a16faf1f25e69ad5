package charts

import (
	"strconv"
)

// vetoReason says why a rule triggered: metric op threshold (actual value).
func (s *site) vetoReason(r row) string {
	return s.sprintf("veto.reason", r.str("rule_id"), s.c.V(r.str("metric")), r.str("op"), fmtFloat(r.f("threshold"), 0), fmtFloat(r.f("value"), 0))
}

func (s *site) vetoSubject(from string, r row) cell {
	if r.str("scope") == "unit" {
		return s.unitCell(from, r.str("subject_id"))
	}
	return textCell(pseudMaybe(r.str("subject_id")))
}

func (s *site) vetoTable(from string, rows []row, name string) *table {
	t := &table{CSVName: name, Cols: s.cols("year", "scope", "subject", "rule", "reason", "value", "threshold", "triggered"), Empty: s.c.T("empty")}
	for _, r := range rows {
		trig := s.boolCell(r, "triggered")
		if r.b("triggered") {
			trig.Class = "bad"
		}
		t.Rows = append(t.Rows, []cell{textCell(r.str("year")), textCell(s.c.V(r.str("scope"))), s.vetoSubject(from, r), textCell(r.str("rule_id")),
			textCell(s.vetoReason(r)), s.numCell(r, "value", 0), s.numCell(r, "threshold", 0), trig})
	}
	return t
}

func (s *site) vetoPage(d *data) *page {
	p := &page{Path: "veto.html", Title: s.c.T("nav.veto"), NavKey: "nav.veto", Subtitle: s.c.T("veto.intro")}
	var trig, cur []row
	for _, r := range d.veto {
		if r.b("triggered") {
			trig = append(trig, r)
		}
		if r.str("year") == s.year {
			cur = append(cur, r)
		}
	}
	sec := &section{Title: s.c.T("veto.triggered")}
	if d.vetoErr != nil {
		sec.Missing = s.c.T("not_computed")
	} else {
		sec.Tables = append(sec.Tables, s.vetoTable(p.Path, trig, "veto_triggered"))
	}
	p.Sections = append(p.Sections, sec)
	all := &section{Title: s.c.T("veto.all") + " " + s.year}
	if d.vetoErr != nil {
		all.Missing = s.c.T("not_computed")
	} else {
		all.Tables = append(all.Tables, s.vetoTable(p.Path, cur, "veto_"+s.year))
	}
	p.Sections = append(p.Sections, all)
	return p
}

// indicatorOrder is the configured indicator list (the grid's columns).
func (s *site) indicatorOrder() []string {
	var ids []string
	for _, in := range s.cfg.Appraisal.Indicators {
		ids = append(ids, in.ID)
	}
	return ids
}

// rag classes an indicator by the share of its weight kept: green = no deduction,
// amber = less than half deducted, red = half or more, na = not applicable.
func rag(r row) string {
	if !r.b("available") || r.f("points") == nil || r.f("weight") == nil || *r.f("weight") == 0 {
		return "na"
	}
	share := *r.f("points") / *r.f("weight")
	switch {
	case share >= 0.999999:
		return "green"
	case share > 0.5:
		return "amber"
	default:
		return "red"
	}
}

func (s *site) rankingTable(from string, rows []row, name string) *table {
	t := &table{CSVName: name, Cols: s.cols("peer_group", "rank", "unit", "score", "grade", "veto", "final_grade", "eligible", "peer_size"), Empty: s.c.T("empty")}
	for _, r := range rows {
		rank := s.countCell(r, "rank")
		if r.f("rank") == nil {
			rank = cell{Text: "-", Class: "num"}
		}
		veto := s.boolCell(r, "veto")
		if r.b("veto") {
			veto.Class = "bad"
		}
		t.Rows = append(t.Rows, []cell{textCell(s.peerLabel(r.str("peer_group"))), rank, s.unitCell(from, r.str("unit_id")), s.numCell(r, "score", 1),
			textCell(r.str("grade")), veto, textCell(r.str("final_grade")), s.boolCell(r, "eligible_for_awards"), s.countCell(r, "peer_size")})
	}
	return t
}

// peerLabel translates a peer group "sector/level" (any separator) for display.
func (s *site) peerLabel(g string) string {
	for _, sep := range []string{"/", "|", ":", "-", " "} {
		for i := 0; i+len(sep) <= len(g); i++ {
			if g[i:i+len(sep)] == sep {
				return s.c.V(g[:i]) + " · " + s.c.V(g[i+len(sep):])
			}
		}
	}
	return s.c.V(g)
}

func (s *site) appraisalPage(d *data) (*page, error) {
	p := &page{Path: "appraisal.html", Title: s.c.T("nav.appraisal"), NavKey: "nav.appraisal"}
	sec := &section{Title: s.sprintf("ap.ranking", s.apPeriod)}
	if s.cfg.Report.Xlsx {
		sec.Links = append(sec.Links, link{Href: "appraisal.xlsx", Label: s.c.T("xlsx")})
	}
	if d.apErr != nil || s.apPeriod == "" {
		sec.Missing = s.c.T("not_computed")
	} else {
		sec.Tables = append(sec.Tables, s.rankingTable(p.Path, d.apRows, "ranking_"+s.apPeriod))
		// Grade distribution.
		counts := map[string]float64{}
		var grades []string
		for _, g := range s.cfg.Appraisal.Grades {
			grades = append(grades, g.Name)
		}
		for _, r := range d.apRows {
			counts[r.str("final_grade")]++
		}
		var vals []*float64
		for _, g := range grades {
			vals = append(vals, ptr(counts[g]))
		}
		b, err := newChartBlock("ap-grades", s.c.T("ap.grades"), 260, barChart(grades, []seriesDef{{Name: s.c.T("col.final_grade"), Values: vals, Color: "#1f4e79"}}, 260, false), nil)
		if err != nil {
			return nil, err
		}
		sec.Charts = append(sec.Charts, b)
	}
	p.Sections = append(p.Sections, sec)
	grid := &section{Title: s.c.T("ap.grid") + " " + s.apPeriod, Note: s.c.T("ap.grid_note")}
	if d.apIndErr != nil || s.apPeriod == "" {
		grid.Missing = s.c.T("not_computed")
	} else {
		grid.Tables = append(grid.Tables, s.ragTable(p.Path, d))
	}
	p.Sections = append(p.Sections, grid)
	return p, nil
}

func (s *site) ragTable(from string, d *data) *table {
	inds := s.indicatorOrder()
	t := &table{CSVName: "rag_" + s.apPeriod, Empty: s.c.T("empty"), Cols: s.cols(append([]string{"unit", "score"}, inds...)...)}
	for _, ar := range d.apRows {
		id := ar.str("unit_id")
		byInd := map[string]row{}
		for _, r := range d.apInd[id] {
			byInd[r.str("indicator")] = r
		}
		cells := []cell{s.unitCell(from, id), s.numCell(ar, "score", 1)}
		for _, in := range inds {
			r, ok := byInd[in]
			if !ok {
				cells = append(cells, cell{Text: "-", Class: "rag-na"})
				continue
			}
			c := cell{Class: "num rag-" + rag(r), Text: "N/A"}
			if rag(r) != "na" {
				c.Text = fmtFloat(r.f("value"), 1)
				c.Sort = sortKey(r.f("value"))
			}
			cells = append(cells, c)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

func (s *site) targetsPage(d *data) (*page, error) {
	p := &page{Path: "targets.html", Title: s.c.T("nav.targets"), NavKey: "nav.targets"}
	sec := &section{Title: s.sprintf("tg.table", s.year)}
	if s.cfg.Report.Xlsx {
		sec.Links = append(sec.Links, link{Href: "appraisal.xlsx", Label: s.c.T("xlsx")})
	}
	if d.targetsErr != nil {
		sec.Missing = s.c.T("not_computed")
	} else {
		sec.Tables = append(sec.Tables, s.targetsTable(p.Path, d.targets, "targets_"+s.year))
	}
	p.Sections = append(p.Sections, sec)

	// Cumulative volume this year vs last year, with the projected year end.
	if all := d.volMonth["ALL"][true]; len(all) > 0 {
		cs := &section{Title: s.c.T("tg.projection")}
		labels := []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}
		cum := func(year string) []*float64 {
			out := make([]*float64, 12)
			var sum float64
			byMonth := map[string]*float64{}
			for _, r := range all {
				byMonth[r.str("period")] = r.f("petitions")
			}
			for i, m := range labels {
				v, ok := byMonth[year+"-"+m]
				if !ok || v == nil {
					continue
				}
				sum += *v
				out[i] = ptr(sum)
			}
			return out
		}
		series := []seriesDef{{Name: s.c.T("tg.cum_actual") + " " + s.year, Values: cum(s.year), Color: "#5470c6"},
			{Name: s.c.T("tg.cum_prev") + " " + strconv.Itoa(s.yearInt()-1), Values: cum(strconv.Itoa(s.yearInt() - 1)), Color: "#aab4c3"}}
		for _, r := range d.targets {
			if r.str("unit_id") == "ALL" && r.str("metric") == "volume_change_pct" && finite(r.f("projected")) {
				proj := make([]*float64, 12)
				proj[11] = r.f("projected")
				series = append(series, seriesDef{Name: s.c.T("tg.projected"), Values: proj, Color: "#c53030"})
				break
			}
		}
		lc := lineChart(labels, series, 300, false)
		b, err := newChartBlock("tg-cumulative", "", 300, lc, nil)
		if err != nil {
			return nil, err
		}
		cs.Charts = append(cs.Charts, b)
		p.Sections = append(p.Sections, cs)
	}

	bt := &section{Title: s.c.T("tg.backtest")}
	rows, err := s.src.query("mart.targets_backtest", []string{"unit_id", "rollup", "metric", "year", "ytd", "projected", "actual", "error_pct"},
		`SELECT * FROM mart.targets_backtest WHERE unit_id = 'ALL' ORDER BY metric, year`)
	if err := fatal(err); err != nil {
		return nil, err
	}
	if err != nil {
		bt.Missing = s.c.T("not_computed")
	} else {
		t := &table{CSVName: "backtest", Cols: s.cols("unit", "metric", "year", "ytd", "projected", "actual", "error_pct"), Empty: s.c.T("empty")}
		for _, r := range rows {
			t.Rows = append(t.Rows, []cell{s.unitCell(p.Path, r.str("unit_id")), textCell(s.c.V(r.str("metric"))), textCell(r.str("year")),
				s.countCell(r, "ytd"), s.numCell(r, "projected", 0), s.countCell(r, "actual"), s.pctCell(r, "error_pct", true)})
		}
		bt.Tables = append(bt.Tables, t)
	}
	p.Sections = append(p.Sections, bt)
	p.Sections = append(p.Sections, s.quantileSection())
	return p, nil
}

func (s *site) targetsTable(from string, rows []row, name string) *table {
	t := &table{CSVName: name, Cols: s.cols("unit", "metric", "target", "actual_ytd", "projected", "status", "backtest_error_pct"), Empty: s.c.T("empty")}
	for _, r := range rows {
		st := textCell(s.c.V(r.str("status")))
		switch r.str("status") {
		case "met", "on track":
			st.Class = "good"
		case "at risk":
			st.Class = "amber"
		case "off track":
			st.Class = "bad"
		}
		m := r.str("metric")
		val := func(k string) cell {
			if m == "volume_change_pct" {
				if k == "target" {
					return cell{Text: r.str("op") + " " + signedPtr(r.f(k), 1) + "%", Sort: sortKey(r.f(k))}
				}
				return s.numCell(r, k, 0)
			}
			c := s.rateCell(r, k, "")
			if k == "target" {
				c.Text = r.str("op") + " " + c.Text
			}
			return c
		}
		t.Rows = append(t.Rows, []cell{s.unitCell(from, r.str("unit_id")), textCell(s.c.V(m)), val("target"), val("actual_ytd"), val("projected"), st, s.pctCell(r, "backtest_error_pct", true)})
	}
	return t
}

// quantileSection gives planners the spread of this year's results within each peer
// group (same sector and level), as computed in mart.peer_quantiles.
func (s *site) quantileSection() *section {
	sec := &section{Title: s.c.T("tg.quantiles")}
	t := &table{CSVName: "peer_quantiles", Cols: s.cols("peer_group", "metric", "n", "p25", "p50", "p75"), Empty: s.c.T("empty")}
	rows, err := s.src.query("mart.peer_quantiles", []string{"peer_group", "period", "metric", "n", "p25", "p50", "p75"},
		`SELECT peer_group, metric, n, p25, p50, p75 FROM mart.peer_quantiles
		 WHERE period_type = 'year' AND period = ? ORDER BY peer_group, metric`, s.year)
	if err != nil {
		// The table stays (empty) so the workbook keeps its sheet.
		sec.Missing = s.c.T("not_computed")
	}
	q := func(r row, col string) cell {
		v := r.f(col)
		return cell{Text: fmtFloat(v, 1) + "%", Sort: sortKey(v), Class: "num"}
	}
	for _, r := range rows {
		n := strconv.FormatInt(r.i("n"), 10)
		t.Rows = append(t.Rows, []cell{textCell(s.peerLabel(r.str("peer_group"))), textCell(s.c.T("col." + r.str("metric"))),
			{Text: n, Class: "num", Sort: n}, q(r, "p25"), q(r, "p50"), q(r, "p75")})
	}
	sec.Tables = append(sec.Tables, t)
	return sec
}

func (s *site) qualityPage() (*page, error) {
	p := &page{Path: "quality.html", Title: s.c.T("nav.quality"), NavKey: "nav.quality"}
	type q struct {
		title, table string
		need         []string
		sql          string
		cols         []string
		cells        func(r row) []cell
	}
	qs := []q{
		{"dq.sources", "sources", []string{"source", "kind"}, `SELECT source, kind, watermark, updated_at FROM sources ORDER BY source`,
			[]string{"source", "kind", "watermark", "updated"}, func(r row) []cell {
				return []cell{textCell(r.str("source")), textCell(r.str("kind")), textCell(r.str("watermark")), textCell(s.formatTime(r["updated_at"]))}
			}},
		{"dq.batches", "ingest_batches", []string{"batch_id", "source", "status"}, `SELECT * FROM ingest_batches ORDER BY batch_id DESC LIMIT 50`,
			[]string{"batch", "source", "file", "started_at", "batch_status", "rows_read", "inserted", "updated", "rejected", "warnings"}, func(r row) []cell {
				st := textCell(s.c.V(r.str("status")))
				if r.str("status") == "failed" {
					st.Class = "bad"
					st.Text += " " + r.str("error")
				}
				return []cell{s.countCell(r, "batch_id"), textCell(r.str("source")), textCell(r.str("file")), textCell(s.formatTime(r["started_at"])), st,
					s.countCell(r, "rows_read"), s.countCell(r, "inserted"), s.countCell(r, "updated"), s.countCell(r, "rejected"), s.countCell(r, "warnings")}
			}},
		{"dq.rejected", "rejected", []string{"source", "field", "reason", "severity"},
			`SELECT source, severity, field, reason, count(*) AS n FROM rejected GROUP BY ALL ORDER BY n DESC, source, field, reason`,
			[]string{"source", "severity", "field", "reason", "count"}, func(r row) []cell {
				return []cell{textCell(r.str("source")), textCell(s.c.V(r.str("severity"))), textCell(r.str("field")), textCell(r.str("reason")), s.countCell(r, "n")}
			}},
		{"dq.unknown", "mart.unknown_units", []string{"unit_id", "petitions"}, `SELECT * FROM mart.unknown_units ORDER BY petitions DESC, unit_id`,
			[]string{"unit_id", "petitions", "first_received", "last_received"}, func(r row) []cell {
				return []cell{textCell(r.str("unit_id")), s.countCell(r, "petitions"), textCell(r.str("first_received")), textCell(r.str("last_received"))}
			}},
	}
	for _, x := range qs {
		sec := &section{Title: s.c.T(x.title)}
		rows, err := s.src.query(x.table, x.need, x.sql)
		if err := fatal(err); err != nil {
			return nil, err
		}
		if err != nil {
			sec.Missing = s.c.T("not_computed")
		} else {
			t := &table{CSVName: x.table, Cols: s.cols(x.cols...), Empty: s.c.T("empty")}
			for _, r := range rows {
				t.Rows = append(t.Rows, x.cells(r))
			}
			sec.Tables = append(sec.Tables, t)
		}
		p.Sections = append(p.Sections, sec)
	}
	return p, nil
}
