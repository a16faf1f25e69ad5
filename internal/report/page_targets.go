package report

import (
	"strconv"

	"github.com/xinfang/xinfang/internal/spec"
)

func (s *site) targetsPage() (*page, error) {
	d, err := s.loadInto(s.loadTargets, s.loadMonthlyVolume("ALL", false))
	if err != nil {
		return nil, err
	}
	p := &page{Path: "targets.html", Title: s.c.T("nav.targets"), NavKey: "nav.targets"}
	sec := &section{Title: s.sprintf("tg.table", s.year)}
	if s.cfg.Report.Xlsx {
		sec.Links = append(sec.Links, link{Href: "appraisal.xlsx", Label: s.c.T("xlsx")})
	}
	sec.Tables = append(sec.Tables, s.targetsTable(p.Path, d.targets, "targets_"+s.year))
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
		cat := "" // the x axis is the month number
		if m := s.partialMonth(); m != "" {
			cat = m[5:]
		}
		b, err := newChartBlock("tg-cumulative", "", 300, lc, nil, partialMark(cat, s.c.T("partial")), axisNames(s.c.T("ax.month_no"), s.c.T("ax.petitions")))
		if err != nil {
			return nil, err
		}
		cs.Charts = append(cs.Charts, b)
		p.Sections = append(p.Sections, cs)
	}

	bt := &section{Title: s.c.T("tg.backtest")}
	rows, err := s.src.query("mart.targets_backtest", []string{"unit_id", "rollup", "metric", "year", "ytd", "projected", "actual", "error_pct"},
		`SELECT * FROM mart.targets_backtest WHERE unit_id = 'ALL' ORDER BY metric, year`)
	if err != nil {
		return nil, err
	}
	{
		t := &table{CSVName: "backtest", Cols: s.cols("unit", "metric", "year", "ytd", "projected", "actual", "error_pct"), Empty: s.c.T("empty")}
		for _, r := range rows {
			t.Rows = append(t.Rows, []cell{s.unitCell(p.Path, r.str("unit_id")), textCell(s.c.V(r.str("metric"))), textCell(r.str("year")),
				s.countCell(r, "ytd"), s.numCell(r, "projected", 0), s.countCell(r, "actual"), s.errorCell(r, "error_pct", true)})
		}
		bt.Tables = append(bt.Tables, t)
	}
	p.Sections = append(p.Sections, bt)
	qs, err := s.quantileSection()
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, qs)
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
		reg, _ := spec.MetricByID(m)
		val := func(k string) cell {
			if reg.Unit == spec.Percent {
				switch k {
				case "target":
					return cell{Text: r.str("op") + " " + signedPtr(r.f(k), 1) + "%", Sort: sortKey(r.f(k)), Class: "num"}
				case "actual_ytd":
					// the change against last year's same span, beside the target it is held to
					return s.changeWithCounts(r, "actual_change_pct", "actual_ytd", "prior_ytd")
				default:
					return s.changeWithCounts(r, "projected_change_pct", "projected", "prior_total")
				}
			}
			c := s.rateCell(r, k, "")
			if k == "target" {
				c.Class = "num"
				c.Text = r.str("op") + " " + c.Text
			}
			return c
		}
		t.Rows = append(t.Rows, []cell{s.unitCell(from, r.str("unit_id")), textCell(s.c.V(m)), val("target"), val("actual_ytd"), val("projected"), st, s.errorCell(r, "backtest_error_pct", false)})
	}
	return t
}

// quantileSection gives planners the spread of this year's results within each peer
// group (same sector and level), as computed in mart.peer_quantiles.
func (s *site) quantileSection() (*section, error) {
	sec := &section{Title: s.c.T("tg.quantiles")}
	t := &table{CSVName: "peer_quantiles", Cols: s.cols("peer_group", "metric", "n", "p25", "p50", "p75"), Empty: s.c.T("empty")}
	rows, err := s.src.query("mart.peer_quantiles", []string{"peer_group", "period", "metric", "n", "p25", "p50", "p75"},
		`SELECT peer_group, metric, n, p25, p50, p75 FROM mart.peer_quantiles
		 WHERE period_type = 'year' AND period = ? ORDER BY peer_group, metric`, s.year)
	if err != nil {
		return nil, err
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
	return sec, nil
}
