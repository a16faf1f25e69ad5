package report

import (
	"math"
	"strconv"
	"strings"
)

var yearTables = []string{"volume", "repeat", "closure", "timeliness", "acceptance", "feedback", "supervision"}

func (s *site) overviewPage() (*page, error) {
	d, err := s.loadInto(s.loadCurrentVolume("ALL"), s.loadTrend, s.loadMonthlyVolume("ALL", false), s.loadYear(yearTables...), s.loadTargets)
	if err != nil {
		return nil, err
	}
	p := &page{Path: "overview.html", Title: s.c.T("nav.overview"), NavKey: "nav.overview"}
	all := d.volCur["ALL"]
	kpi := &section{Title: s.c.T("ov.kpi")}
	for _, k := range []struct{ per, label string }{{s.month, "ov.month"}, {s.quarter, "ov.quarter"}, {s.year, "ov.year"}} {
		r, ok := all[k.per]
		kpi.Cards = append(kpi.Cards, s.kpiCard(s.c.T(k.label)+" "+k.per, r, ok))
	}
	tr, ok := d.trend["ALL"]
	kpi.Cards = append(kpi.Cards, s.trendCard(s.c.T("ov.trend"), tr, ok))
	p.Sections = append(p.Sections, kpi)

	// Monthly volume, 12-month moving average and the target line.
	ch := &section{Title: s.c.T("ov.monthly"), Note: s.c.T("ov.target_note")}
	if len(d.months) > 0 {
		vals := monthSeries(d.months, d.volMonth["ALL"][true], "petitions")
		series := []seriesDef{{Name: s.c.T("col.petitions"), Values: vals, Color: "#5470c6"}, {Name: s.c.T("ov.ma12"), Values: monthSeries(d.months, d.volMonth["ALL"][true], "ma12"), Color: "#fc8452"}}
		if tl := s.targetLine(d, "ALL", d.months, true); tl != nil {
			series = append(series, seriesDef{Name: s.c.T("ov.target"), Values: tl, Dashed: true, Color: "#2f855a"})
		}
		b, err := newChartBlock("ov-monthly", "", 340, lineChart(d.months, series, 340, false), nil, s.markPartial(), axisNames(s.c.T("ax.month"), s.c.T("ax.petitions")))
		if err != nil {
			return nil, err
		}
		ch.Charts = append(ch.Charts, b)
	} else {
		ch.Missing = s.c.T("empty")
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
		v := "-"
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
		if err != nil {
			return nil, err
		}
		{
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
				cb, err := newChartBlock("ov-"+b.key, "", 60+26*len(rows), hbarChart(labels, []seriesDef{{Name: s.c.T("col.petitions"), Values: vals}}, 60+26*len(rows), false), nil, axisNames("", s.c.T("ax.petitions")))
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
