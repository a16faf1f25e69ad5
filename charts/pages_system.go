package charts

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// kpiCard is the petition count of one period with its 同比/环比 arrows; for petition
// volume a fall is good (SPEC §1: 总量持续下降).
func (s *site) kpiCard(label string, r row, ok bool) card {
	if !ok {
		return card{Label: label, Value: s.c.T("not_computed")}
	}
	c := card{Label: label, Value: fmtInt(r.i("petitions"))}
	sub := []string{s.c.T("col.petitions")}
	if p := r.f("petitioners"); p != nil {
		sub = append(sub, s.c.T("col.petitioners")+" "+fmtInt(int64(*p)))
	}
	if p := r.f("persons"); p != nil {
		sub = append(sub, s.c.T("col.persons")+" "+fmtInt(int64(*p)))
	}
	if v, okc := r["complete"].(bool); okc && !v {
		sub = append(sub, s.c.T("ov.partial"))
	}
	c.Sub = strings.Join(sub, " · ")
	for _, k := range []struct{ col, label string }{{"yoy_pct", "ov.yoy"}, {"pop_pct", "ov.pop"}} {
		c.Deltas = append(c.Deltas, s.deltaOf(s.c.T(k.label), r.f(k.col), true))
	}
	return c
}

// deltaOf shows a signed percentage change with an arrow; lowerGood colours a fall green.
func (s *site) deltaOf(label string, p *float64, lowerGood bool) delta {
	if !finite(p) {
		return delta{Label: label, Text: "-", Arrow: "·"}
	}
	d := delta{Label: label, Text: signed(*p) + "%"}
	switch {
	case *p > 0:
		d.Arrow = "▲"
	case *p < 0:
		d.Arrow = "▼"
	default:
		d.Arrow = "＝"
	}
	if *p != 0 {
		if (*p < 0) == lowerGood {
			d.Class = "good"
		} else {
			d.Class = "bad"
		}
	}
	return d
}

// trendCard states the verdict with Z and Sen's slope shown annualised.
func (s *site) trendCard(label string, r row, ok bool) card {
	if !ok {
		return card{Label: label, Value: s.c.T("not_computed")}
	}
	v := r.str("label")
	slope := r.f("sens_slope_annual")
	if slope == nil && r.f("sens_slope") != nil {
		slope = ptr(*r.f("sens_slope") * 12)
	}
	c := card{Label: label, Value: s.c.V2(v), Class: "verdict-" + v}
	c.Sub = s.sprintf("ov.trend_sub", fmtFloat(r.f("mk_z"), 2), signedPtr(slope, 1), r.i("months"))
	if r.f("ttm") != nil {
		c.Sub += "；" + s.sprintf("ov.ttm", fmtInt(r.i("ttm")), fmtInt(r.i("prev_ttm")), signedPtr(r.f("ttm_change_pct"), 1)+"%")
	}
	return c
}

func signedPtr(p *float64, prec int) string {
	if !finite(p) {
		return "-"
	}
	if *p > 0 {
		return "+" + strconv.FormatFloat(*p, 'f', prec, 64)
	}
	return strconv.FormatFloat(*p, 'f', prec, 64)
}

// V2 translates a trend verdict.
func (c catalogue) V2(v string) string {
	if _, ok := messages[v]; ok {
		return c.T(v)
	}
	return c.V(v)
}

func (s *site) indexPage(d *data, outDir string) *page {
	p := &page{Path: "index.html", Title: s.siteTitle(), NavKey: "nav.index"}
	fresh := &section{Title: s.c.T("idx.freshness")}
	fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.asof"), Value: s.asOf.Format("2006-01-02")})
	if rows, err := s.src.query("ingest_batches", []string{"finished_at", "status"},
		`SELECT max(finished_at) AS t FROM ingest_batches WHERE status = 'ok'`); err == nil && len(rows) > 0 {
		v := "-"
		if t, ok := rows[0]["t"]; ok && t != nil {
			v = s.formatTime(t)
		}
		fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.last_batch"), Value: v})
	}
	if rows, err := s.src.query("petitions", []string{"received_date"},
		`SELECT max(received_date) AS d, count(*) AS n FROM petitions WHERE received_date <= CAST(? AS DATE)`, s.asOf.Format("2006-01-02")); err == nil && len(rows) > 0 {
		fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.last_record"), Value: orDash(rows[0].str("d"))},
			card{Label: s.c.T("idx.records"), Value: fmtInt(rows[0].i("n"))})
	}
	fresh.Cards = append(fresh.Cards, card{Label: s.c.T("idx.units"), Value: fmtInt(int64(len(s.units)))},
		card{Label: s.c.T("idx.generated"), Value: s.now.In(s.cfg.Location()).Format("2006-01-02 15:04 -07:00")})
	p.Sections = append(p.Sections, fresh)
	if s.review != "" {
		p.Sections = append(p.Sections, s.reviewSections(d)...)
	}
	nav := &section{Title: s.c.T("idx.pages")}
	for _, n := range navOrder[1:] {
		nav.Links = append(nav.Links, link{Href: n.file, Label: s.c.T(n.key)})
	}
	if s.cfg.Report.Xlsx {
		nav.Links = append(nav.Links, link{Href: "appraisal.xlsx", Label: s.c.T("xlsx")})
	}
	p.Sections = append(p.Sections, nav)
	if s.review == "" {
		arch := &section{Title: s.c.T("archive.title")}
		qs := listArchives(outDir)
		if len(qs) == 0 {
			arch.Missing = s.c.T("archive.none")
		}
		for _, q := range qs {
			arch.Links = append(arch.Links, link{Href: "archive/" + q + "/index.html", Label: s.sprintf("qr.title", q)})
		}
		p.Sections = append(p.Sections, arch)
	}
	// Unit directory: every unit page is reachable from here.
	t := &table{Title: s.c.T("nav.units"), CSVName: "units", Cols: s.cols("unit", "unit_id", "sector", "level", "parent"), Empty: s.c.T("empty")}
	t.Cols[4].Label = s.c.T("u.parent")
	for _, id := range s.order {
		u := s.units[id]
		par := cell{}
		if u.Parent != "" {
			par = s.unitCell(p.Path, u.Parent)
		}
		t.Rows = append(t.Rows, []cell{s.unitCell(p.Path, id), textCell(id), textCell(s.c.V(u.Sector)), textCell(s.c.V(u.Level)), par})
	}
	p.Sections = append(p.Sections, &section{Tables: []*table{t}})
	return p
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatTime shows an instant (a TIMESTAMPTZ column, read as UTC) in the configured
// zone with its offset, so a UTC host does not show UTC wall time.
func (s *site) formatTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.In(s.cfg.Location()).Format("2006-01-02 15:04 -07:00")
	case interface{ Format(string) string }:
		return t.Format("2006-01-02 15:04")
	default:
		return row{"x": v}.str("x")
	}
}

func (s *site) overviewPage(d *data) (*page, error) {
	p := &page{Path: "overview.html", Title: s.c.T("nav.overview"), NavKey: "nav.overview"}
	all := d.volCur["ALL"]
	kpi := &section{Title: s.c.T("ov.kpi")}
	for _, k := range []struct{ per, label string }{{s.month, "ov.month"}, {s.quarter, "ov.quarter"}, {s.year, "ov.year"}} {
		r, ok := all[k.per]
		kpi.Cards = append(kpi.Cards, s.kpiCard(s.c.T(k.label)+" "+k.per, r, ok))
	}
	tr, ok := d.trend["ALL"]
	kpi.Cards = append(kpi.Cards, s.trendCard(s.c.T("ov.trend"), tr, ok))
	if d.volErr != nil {
		kpi.Missing = s.c.T("not_computed")
	}
	p.Sections = append(p.Sections, kpi)

	// Monthly volume, 12-month moving average and the target line.
	ch := &section{Title: s.c.T("ov.monthly"), Note: s.c.T("ov.target_note")}
	if len(d.months) > 0 {
		vals := monthSeries(d.months, d.volMonth["ALL"][true], "petitions")
		series := []seriesDef{{Name: s.c.T("col.petitions"), Values: vals, Color: "#5470c6"}, {Name: s.c.T("ov.ma12"), Values: movingAverage(vals, 12), Color: "#fc8452"}}
		if tl := s.targetLine(d, "ALL", d.months, true); tl != nil {
			series = append(series, seriesDef{Name: s.c.T("ov.target"), Values: tl, Dashed: true, Color: "#2f855a"})
		}
		b, err := newChartBlock("ov-monthly", "", 340, lineChart(d.months, series, 340, false), nil)
		if err != nil {
			return nil, err
		}
		ch.Charts = append(ch.Charts, b)
	} else {
		ch.Missing = s.c.T("not_computed")
	}
	p.Sections = append(p.Sections, ch)

	// Key rates for the year.
	rates := &section{Title: s.c.T("ov.rates") + " " + s.year}
	for _, k := range []struct{ table, col, denom string }{
		{"timeliness", "on_time_rate", "due"}, {"acceptance", "acceptance_rate", "accept_due"}, {"repeat", "repeat_rate", "petitions"},
		{"closure", "first_contact_rate", "first_contact_closed"}, {"feedback", "feedback_rate", "feedback_due"},
		{"closure", "followup_rate", "closed"}, {"closure", "satisfaction_rate", "rated"}, {"closure", "not_ceased_rate", "closed"},
	} {
		r, ok := d.year[k.table]["ALL"]
		v := s.c.T("not_computed")
		if ok {
			v = s.rateCell(r, k.col, k.denom).Text
		}
		rates.Cards = append(rates.Cards, card{Label: s.c.T("col." + k.col), Value: v})
	}
	p.Sections = append(p.Sections, rates)

	// Breakdowns by channel and category for the year.
	for _, b := range []struct{ table, key, title string }{{"mart.volume_by_channel", "channel", "ov.channels"}, {"mart.volume_by_category", "category", "ov.categories"}} {
		sec := &section{Title: s.c.T(b.title)}
		rows, err := s.src.query(b.table, []string{"unit_id", "period", b.key, "petitions"},
			`SELECT `+b.key+` AS k, petitions FROM `+b.table+` WHERE unit_id = 'ALL' AND period_type = 'year' AND period = ? ORDER BY petitions DESC`, s.year)
		if err := fatal(err); err != nil {
			return nil, err
		}
		if err != nil {
			sec.Missing = s.c.T("not_computed")
		} else {
			var labels []string
			var vals []*float64
			t := &table{CSVName: b.key, Cols: s.cols(b.key, "petitions"), Empty: s.c.T("empty")}
			for _, r := range rows {
				l := s.c.V(r.str("k"))
				labels = append(labels, l)
				vals = append(vals, r.f("petitions"))
				t.Rows = append(t.Rows, []cell{textCell(l), s.countCell(r, "petitions")})
			}
			if len(rows) > 0 {
				cb, err := newChartBlock("ov-"+b.key, "", 40+26*len(rows), hbarChart(labels, []seriesDef{{Name: s.c.T("col.petitions"), Values: vals}}, 40+26*len(rows), false), nil)
				if err != nil {
					return nil, err
				}
				sec.Charts = append(sec.Charts, cb)
			}
			sec.Tables = append(sec.Tables, t)
		}
		p.Sections = append(p.Sections, sec)
	}
	return p, nil
}

// targetLine is the volume target as a monthly average for the months of the as-of
// year: last year's total × (1 + target%) ÷ 12; nil when there is no volume target.
func (s *site) targetLine(d *data, unit string, months []string, rollup bool) []*float64 {
	var target *float64
	for _, r := range d.targets {
		if r.str("unit_id") == unit && r.b("rollup") == rollup && r.str("metric") == "volume_change_pct" {
			target = r.f("target")
		}
	}
	if !finite(target) {
		return nil
	}
	prev := strconv.Itoa(s.yearInt() - 1)
	var base float64
	n := 0
	for _, r := range d.volMonth[unit][rollup] {
		if strings.HasPrefix(r.str("period"), prev+"-") && r.f("petitions") != nil {
			base += *r.f("petitions")
			n++
		}
	}
	if n < 12 {
		return nil
	}
	level := base * (1 + *target/100) / 12
	out := make([]*float64, len(months))
	for i, m := range months {
		if strings.HasPrefix(m, s.year+"-") {
			out[i] = ptr(math.Round(level*10) / 10)
		}
	}
	return out
}

func (s *site) trendsPage(d *data) (*page, error) {
	p := &page{Path: "trends.html", Title: s.c.T("nav.trends"), NavKey: "nav.trends"}
	// Heatmap: top units by last-12-month volume over the last 24 months.
	n := 40
	hm := &section{Title: s.sprintf("tr.heatmap", n)}
	var ids []string
	for _, id := range s.order {
		if _, ok := d.trend[id]; ok {
			ids = append(ids, id)
		}
	}
	sort.SliceStable(ids, func(i, j int) bool { return d.trend[ids[i]].i("ttm") > d.trend[ids[j]].i("ttm") })
	if len(ids) > n {
		ids = ids[:n]
	}
	months := d.months
	if len(months) > 24 {
		months = months[len(months)-24:]
	}
	if len(ids) > 0 && len(months) > 0 {
		labels, links := s.chartLabels(p.Path, ids)
		cells := make([][]*float64, len(ids))
		for i, id := range ids {
			cells[i] = monthSeries(months, d.volMonth[id][false], "petitions")
		}
		h := 90 + 18*len(ids)
		b, err := newChartBlock("tr-heatmap", "", h, heatmapChart(months, labels, cells, s.c.T("col.petitions"), h), links)
		if err != nil {
			return nil, err
		}
		hm.Charts = append(hm.Charts, b)
	} else {
		hm.Missing = s.c.T("not_computed")
	}
	p.Sections = append(p.Sections, hm)

	// Risers and decliners by seasonal Mann-Kendall Z.
	var ranked []string
	for id, r := range d.trend {
		if id != "ALL" && r.f("mk_z") != nil && finite(r.f("mk_z")) && r.str("label") != "insufficient" {
			if _, known := s.units[id]; known {
				ranked = append(ranked, id)
			}
		}
	}
	sort.Slice(ranked, func(i, j int) bool {
		zi, zj := *d.trend[ranked[i]].f("mk_z"), *d.trend[ranked[j]].f("mk_z")
		if zi != zj {
			return zi > zj
		}
		return ranked[i] < ranked[j]
	})
	topN := s.topN
	for _, side := range []struct {
		key  string
		ids  []string
		name string
	}{{"tr.risers", head(ranked, topN), "risers"}, {"tr.decliners", head(reverse(ranked), topN), "decliners"}} {
		sec := &section{Title: s.c.T(side.key), Note: s.c.T("tr.note")}
		if d.trendErr != nil {
			sec.Missing = s.c.T("not_computed")
		} else if len(side.ids) > 0 {
			labels, links := s.chartLabels(p.Path, side.ids)
			var z []*float64
			for _, id := range side.ids {
				z = append(z, d.trend[id].f("mk_z"))
			}
			color := "#c53030"
			if side.name == "decliners" {
				color = "#2f855a"
			}
			h := 50 + 26*len(side.ids)
			b, err := newChartBlock("tr-"+side.name, "", h, hbarChart(labels, []seriesDef{{Name: "Z", Values: z, Color: color}}, h, false), links)
			if err != nil {
				return nil, err
			}
			sec.Charts = append(sec.Charts, b)
		}
		sec.Tables = append(sec.Tables, s.trendTable(p.Path, d, side.ids, side.name))
		p.Sections = append(p.Sections, sec)
	}
	all := &section{Title: s.c.T("tr.all"), Note: s.c.T("rollup_note")}
	var every []string
	for _, id := range s.order {
		if _, ok := d.trend[id]; ok {
			every = append(every, id)
		}
	}
	if d.trendErr != nil {
		all.Missing = s.c.T("not_computed")
	} else {
		all.Tables = append(all.Tables, s.trendTable(p.Path, d, every, "trends"))
	}
	p.Sections = append(p.Sections, all)
	return p, nil
}

func head(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

func reverse(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

func (s *site) trendTable(from string, d *data, ids []string, name string) *table {
	t := &table{CSVName: name, Cols: s.cols("unit", "label", "mk_z", "sens_slope_annual", "ttm", "prev_ttm", "ttm_change_pct"), Empty: s.c.T("empty")}
	for _, id := range ids {
		r := d.trend[id]
		slope := r.f("sens_slope_annual")
		if slope == nil && r.f("sens_slope") != nil {
			slope = ptr(*r.f("sens_slope") * 12)
		}
		t.Rows = append(t.Rows, []cell{s.unitCell(from, id), textCell(s.c.V2(r.str("label"))), s.numCell(r, "mk_z", 2),
			{Text: signedPtr(slope, 1), Sort: sortKey(slope), Class: "num"}, s.countCell(r, "ttm"), s.countCell(r, "prev_ttm"), s.pctCell(r, "ttm_change_pct", true)})
	}
	return t
}

// monthlyRateChart draws one or more ALL-unit monthly rates as percentages.
// monthlyRateSection is a section holding one monthly rate chart, or "not computed"
// when none of its mart tables exist yet.
func (s *site) monthlyRateSection(title, id string, d *data, lines ...[2]string) (*section, error) {
	sec := &section{Title: title}
	b, ok, err := s.monthlyRateChart(id, d, lines...)
	if err != nil {
		return nil, err
	}
	if ok {
		sec.Charts = append(sec.Charts, b)
	} else {
		sec.Missing = s.c.T("not_computed")
	}
	return sec, nil
}

func (s *site) monthlyRateChart(id string, d *data, lines ...[2]string) (chartBlock, bool, error) {
	var months []string
	seen := map[string]bool{}
	for _, l := range lines {
		for _, r := range d.monthAll[l[0]] {
			if !seen[r.str("period")] {
				seen[r.str("period")] = true
				months = append(months, r.str("period"))
			}
		}
	}
	sort.Strings(months)
	if len(months) == 0 {
		return chartBlock{}, false, nil
	}
	var series []seriesDef
	for _, l := range lines {
		series = append(series, seriesDef{Name: s.c.T("col." + l[1]), Values: percentSeries(monthSeries(months, d.monthAll[l[0]], l[1]))})
	}
	b, err := newChartBlock(id, "", 300, lineChart(months, series, 300, true), nil)
	return b, err == nil, err
}

// unitYearTable is a by-unit table of this year's rows from several marts.
func (s *site) unitYearTable(from string, d *data, name string, specs []colSpec) *table {
	keys := []string{"unit"}
	for _, c := range specs {
		keys = append(keys, c.col)
	}
	t := &table{CSVName: name, Cols: s.cols(keys...), Empty: s.c.T("empty"), Note: s.c.T("rollup_note")}
	for _, id := range append([]string{"ALL"}, s.order...) {
		cells := []cell{s.unitCell(from, id)}
		any := false
		for _, c := range specs {
			r, ok := d.year[c.table][id]
			if !ok {
				cells = append(cells, cell{Text: "-", Class: "num"})
				continue
			}
			any = true
			switch c.kind {
			case "rate":
				cells = append(cells, s.rateCell(r, c.col, c.denom))
			case "num":
				cells = append(cells, s.numCell(r, c.col, 1))
			default:
				cells = append(cells, s.countCell(r, c.col))
			}
		}
		if any {
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

type colSpec struct{ table, col, kind, denom string }

func (s *site) missingTables(d *data, tables ...string) string {
	for _, t := range tables {
		if d.yearErr[t] != nil {
			return s.c.T("not_computed") + ": mart." + t
		}
	}
	return ""
}

func (s *site) repeatPage(d *data) (*page, error) {
	p := &page{Path: "repeat.html", Title: s.c.T("nav.repeat"), NavKey: "nav.repeat"}
	sec, err := s.monthlyRateSection(s.c.T("rp.monthly"), "rp-monthly", d, [2]string{"repeat", "repeat_rate"}, [2]string{"closure", "not_ceased_rate"}, [2]string{"closure", "first_contact_rate"})
	if err != nil {
		return nil, err
	}
	sec.Note = s.c.T("rp.censor")
	p.Sections = append(p.Sections, sec)
	units := &section{Title: s.c.T("rp.units") + " " + s.year, Missing: s.missingTables(d, "repeat", "closure")}
	units.Tables = append(units.Tables, s.unitYearTable(p.Path, d, "repeat", []colSpec{
		{"repeat", "petitions", "", ""}, {"repeat", "repeat_petitions", "", ""}, {"repeat", "repeat_rate", "rate", "petitions"},
		{"repeat", "repeat_petitioners", "", ""}, {"repeat", "repeat_petitioner_rate", "rate", "petitioners"},
		{"closure", "closed", "", ""}, {"closure", "not_ceased", "", ""}, {"closure", "not_ceased_rate", "rate", "closed"},
		{"closure", "first_contact_rate", "rate", "first_contact_closed"}, {"closure", "followup_rate", "rate", "closed"},
		{"closure", "satisfaction_rate", "rate", "rated"},
	}))
	p.Sections = append(p.Sections, units)
	return p, nil
}

func (s *site) timelinessPage(d *data) (*page, error) {
	p := &page{Path: "timeliness.html", Title: s.c.T("nav.timeliness"), NavKey: "nav.timeliness"}
	sec, err := s.monthlyRateSection(s.c.T("tl.monthly"), "tl-monthly", d, [2]string{"timeliness", "on_time_rate"}, [2]string{"acceptance", "acceptance_rate"})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, sec)
	units := &section{Title: s.c.T("tl.units") + " " + s.year, Missing: s.missingTables(d, "timeliness")}
	units.Tables = append(units.Tables, s.unitYearTable(p.Path, d, "timeliness", []colSpec{
		{"timeliness", "due", "", ""}, {"timeliness", "on_time", "", ""}, {"timeliness", "late_closed", "", ""},
		{"timeliness", "overdue_open", "", ""}, {"timeliness", "on_time_rate", "rate", "due"},
		{"timeliness", "median_handling_days", "num", ""}, {"acceptance", "accept_due", "", ""}, {"acceptance", "acceptance_rate", "rate", "accept_due"},
	}))
	p.Sections = append(p.Sections, units)
	p.Sections = append(p.Sections, s.openListSection(p.Path, s.c.T("tl.overdue"), d.overdueAll, d.overdueErr, "days_overdue", "overdue", true, 2000))
	p.Sections = append(p.Sections, s.openListSection(p.Path, s.sprintf("tl.due_soon", s.cfg.Metrics.DueSoonDays), d.dueSoonAll, d.dueSoonErr, "days_left", "due_soon", true, 2000))
	return p, nil
}

// openListSection lists open matters (overdue or due soon).
func (s *site) openListSection(from, title string, rows []row, err error, daysCol, name string, withUnit bool, limit int) *section {
	sec := &section{Title: title}
	if err != nil {
		sec.Missing = s.c.T("not_computed")
		return sec
	}
	sec.Tables = append(sec.Tables, s.openListTable(from, rows, daysCol, name, withUnit, limit))
	return sec
}

func (s *site) openListTable(from string, rows []row, daysCol, name string, withUnit bool, limit int) *table {
	keys := []string{"petition_id", "source", "received_date", "handle_deadline", daysCol, "listed_supervision", "leader_owner", "petitioner"}
	if withUnit {
		keys = append([]string{"unit"}, keys...)
	}
	t := &table{CSVName: name, Cols: s.cols(keys...), Empty: s.c.T("empty")}
	for i, r := range rows {
		if limit > 0 && i >= limit {
			t.Note = s.sprintf("top_n_note", limit)
			break
		}
		var cells []cell
		if withUnit {
			cells = append(cells, s.unitCell(from, r.str("unit_id")))
		}
		cells = append(cells, textCell(r.str("petition_id")), textCell(r.str("source")), textCell(r.str("received_date")), textCell(r.str("handle_deadline")))
		if daysCol != "" {
			cells = append(cells, s.countCell(r, daysCol))
		}
		cells = append(cells, s.boolCell(r, "listed_supervision"), textCell(pseudMaybe(r.str("leader_owner"))), textCell(pseud(r.str("petitioner_id"))))
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// pseudMaybe shortens a value that looks like a keyed hash (a mapping may name
// leader_owner or handler_id as personal); plain values show as they are.
func pseudMaybe(v string) string {
	if len(v) >= 32 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "" {
		return pseud(v)
	}
	return v
}

func (s *site) boolCell(r row, k string) cell {
	switch v := r[k].(type) {
	case bool:
		if v {
			return textCell(s.c.T("v.yes"))
		}
		return textCell(s.c.T("v.no"))
	case nil:
		return textCell("-")
	default:
		return textCell(row{"x": v}.str("x"))
	}
}

func (s *site) feedbackPage(d *data) (*page, error) {
	p := &page{Path: "feedback.html", Title: s.c.T("nav.feedback"), NavKey: "nav.feedback"}
	sec, err := s.monthlyRateSection(s.c.T("fb.monthly"), "fb-monthly", d, [2]string{"feedback", "feedback_rate"})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, sec)
	units := &section{Title: s.c.T("fb.units") + " " + s.year, Missing: s.missingTables(d, "feedback")}
	units.Tables = append(units.Tables, s.unitYearTable(p.Path, d, "feedback", []colSpec{
		{"feedback", "feedback_due", "", ""}, {"feedback", "feedback_on_time", "", ""}, {"feedback", "feedback_rate", "rate", "feedback_due"},
	}))
	p.Sections = append(p.Sections, units)
	sup := &section{Title: s.c.T("fb.supervision") + " " + s.year, Missing: s.missingTables(d, "supervision")}
	sup.Tables = append(sup.Tables, s.unitYearTable(p.Path, d, "supervision", []colSpec{
		{"supervision", "listed", "", ""}, {"supervision", "listed_closed", "", ""}, {"supervision", "listed_overdue", "", ""},
		{"supervision", "leader_owned", "", ""}, {"supervision", "leader_owned_closed", "", ""}, {"supervision", "leader_owned_overdue", "", ""},
		{"supervision", "mass_incidents", "", ""}, {"supervision", "traced_faults", "", ""},
	}))
	p.Sections = append(p.Sections, sup)
	return p, nil
}
