package report

import (
	"math"
	"strconv"
	"strings"
)

var yearTables = []string{"volume", "repeat", "closure", "timeliness", "acceptance", "feedback", "supervision"}

func (s *site) overviewPage() (*page, error) {
	d, err := s.loadInto(s.loadCurrentVolume("ALL"), s.loadTrend, s.loadMonthlyVolume("ALL", false), s.loadTargets)
	if err != nil {
		return nil, err
	}
	pers, err := s.periods()
	if err != nil {
		return nil, err
	}
	def := s.defaultPeriod(pers)
	p := &page{Path: "overview.html", Title: s.c.T("nav.overview"), NavKey: "nav.overview", Picker: s.newPicker("overview")}
	pk := p.Picker
	all := d.volCur["ALL"]
	kpi := &section{Title: s.c.T("ov.kpi")}
	kpi.Cards = s.kpiCardsFor(all, def, "")
	s.putCards(pk, pers, all, "")
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
		s.putBands(pk, pers, "ov-monthly", d.months, true)
	} else {
		ch.Missing = s.c.T("empty")
	}
	p.Sections = append(p.Sections, ch)

	// Key rates of the period (by default the as-of year).
	allRows := map[string]map[string]row{} // table -> period -> the whole system's row
	for _, t := range yearTables {
		rows, err := s.src.query("mart."+t, periodKey, `SELECT * FROM mart.`+t+` WHERE unit_id = 'ALL' AND rollup`)
		if err != nil {
			return nil, err
		}
		allRows[t] = map[string]row{}
		for _, r := range rows {
			allRows[t][r.str("period")] = r
		}
	}
	rateCards := func(per string) []card {
		var out []card
		for _, k := range []struct{ table, col, denom string }{
			{"timeliness", "on_time_rate", "due"}, {"acceptance", "acceptance_rate", "accept_due"}, {"repeat", "repeat_rate", "petitions"},
			{"closure", "first_contact_rate", "first_contact_closed"}, {"feedback", "feedback_rate", "feedback_due"},
			{"closure", "followup_rate", "closed"}, {"closure", "satisfaction_rate", "rated"}, {"closure", "not_ceased_rate", "closed"},
		} {
			r, ok := allRows[k.table][per]
			v := "-"
			if ok {
				v = s.rateCell(r, k.col, k.denom).Text
			}
			out = append(out, card{Label: s.c.T("col." + k.col), Value: v})
		}
		return out
	}
	rates := &section{Title: s.c.T("ov.rates") + " " + s.year, PK: "ov-rates"}
	rates.Cards = rateCards(s.year)
	for i := range rates.Cards {
		rates.Cards[i].PK = "ov-rate-" + strconv.Itoa(i)
	}
	for _, per := range pers {
		title := rates.Title
		if per.Key != def.Key {
			title = s.c.T("pk.rates") + s.periodSuffix(per)
		}
		pk.put(per.Key, "ov-rates", title, false)
		for i, c := range rateCards(per.Key) {
			pk.put(per.Key, "ov-rate-"+strconv.Itoa(i), c.Value, false) // the label stays: only the value
		}
	}
	p.Sections = append(p.Sections, rates)

	// Breakdowns by channel and category for the period (by default the as-of year).
	for _, b := range []struct{ table, key, title, ptitle string }{{"mart.volume_by_channel", "channel", "ov.channels", "pk.channels"}, {"mart.volume_by_category", "category", "ov.categories", "pk.categories"}} {
		rows, err := s.src.query(b.table, []string{"unit_id", "period", b.key, "petitions"},
			`SELECT period, `+b.key+` AS k, petitions FROM `+b.table+` WHERE unit_id = 'ALL' ORDER BY period, petitions DESC, k`)
		if err != nil {
			return nil, err
		}
		byPer := map[string][]row{}
		for _, r := range rows {
			byPer[r.str("period")] = append(byPer[r.str("period")], r)
		}
		sec := &section{Title: s.c.T(b.title), PK: "ov-" + b.key + "-t"}
		build := func(rows []row) (*chartBlock, *table, error) {
			var labels []string
			var vals []*float64
			t := &table{CSVName: b.key, Cols: s.cols(b.key, "petitions"), Empty: s.c.T("empty"), PK: "ov-" + b.key + "-tab"}
			for _, r := range rows {
				l := s.c.V(r.str("k"))
				labels = append(labels, l)
				vals = append(vals, r.f("petitions"))
				t.Rows = append(t.Rows, []cell{textCell(l), s.countCell(r, "petitions")})
			}
			h := 60 + 26*len(rows)
			cb, err := newChartBlock("ov-"+b.key, "", h, hbarChart(labels, []seriesDef{{Name: s.c.T("col.petitions"), Values: vals}}, h, false), nil, axisNames("", s.c.T("ax.petitions")))
			return &cb, t, err
		}
		cb, t, err := build(byPer[s.year])
		if err != nil {
			return nil, err
		}
		if len(byPer[s.year]) > 0 {
			sec.Charts = append(sec.Charts, *cb)
		}
		sec.Tables = append(sec.Tables, t)
		p.Sections = append(p.Sections, sec)
		for _, per := range pers {
			pcb, pt, err := build(byPer[per.Key])
			if err != nil {
				return nil, err
			}
			title := sec.Title
			if per.Key != def.Key {
				title = s.c.T(b.ptitle) + s.periodSuffix(per)
			}
			pk.put(per.Key, sec.PK, title, true)
			pk.put(per.Key, "ov-"+b.key, chartPayloadFor(*pcb), true)
			pk.put(per.Key, t.PK, tablePayload(pt, nil), true)
		}
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
