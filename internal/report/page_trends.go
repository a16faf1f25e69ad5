package report

import (
	"sort"
)

func (s *site) trendsPage() (*page, error) {
	d, err := s.loadInto(s.loadTrend, s.loadMonthlyVolume("", true))
	if err != nil {
		return nil, err
	}
	p := &page{Path: "trends.html", Title: s.c.T("nav.trends"), NavKey: "nav.trends", Picker: s.newPicker("trends")}
	pers, err := s.periods()
	if err != nil {
		return nil, err
	}
	def := s.defaultPeriod(pers)
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
	// The 24 months up to a period's last month (the as-of month by default).
	window := func(last string) (int, int) {
		end := sort.SearchStrings(d.months, last)
		if end < len(d.months) && d.months[end] == last {
			end++
		}
		return max(0, end-24), end
	}
	if len(ids) > 0 && len(d.months) > 0 {
		labels, links := s.chartLabels(p.Path, ids)
		h := 90 + 18*len(ids)
		full := make([][]*float64, len(ids)) // every month, sliced for each period's window
		for i, id := range ids {
			full[i] = monthSeries(d.months, d.volMonth[id][false], "petitions")
		}
		heat := func(from, to int) (chartBlock, error) {
			cells := make([][]*float64, len(ids))
			for i := range ids {
				cells[i] = full[i][from:to]
			}
			months := d.months[from:to]
			return newChartBlock("tr-heatmap", "", h, heatmapChart(months, labels, cells, s.c.T("col.petitions"), h), links, s.markPartial(), axisNames(s.c.T("ax.month"), s.c.T("ax.petitions")))
		}
		b, err := heat(window(def.Last))
		if err != nil {
			return nil, err
		}
		hm.Charts = append(hm.Charts, b)
		hm.PK = "tr-heatmap-t"
		for _, per := range pers {
			title := hm.Title
			if per.Key != def.Key {
				title += " · " + per.Key
			}
			p.Picker.put(per.Key, hm.PK, title, false)
			pb, err := heat(window(per.Last))
			if err != nil {
				return nil, err
			}
			p.Picker.put(per.Key, "tr-heatmap", chartPayloadFor(pb), true)
		}
	} else {
		hm.Missing = s.c.T("empty")
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
		if len(side.ids) > 0 {
			labels, links := s.chartLabels(p.Path, side.ids)
			var z []*float64
			for _, id := range side.ids {
				z = append(z, d.trend[id].f("mk_z"))
			}
			color := "#c53030"
			if side.name == "decliners" {
				color = "#2f855a"
			}
			h := 70 + 26*len(side.ids)
			b, err := newChartBlock("tr-"+side.name, "", h, hbarChart(labels, []seriesDef{{Name: "Z", Values: z, Color: color}}, h, false), links, axisNames("", s.c.T("ax.z")))
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
	all.Tables = append(all.Tables, s.trendTable(p.Path, d, every, "trends"))
	p.Sections = append(p.Sections, all)
	return p, nil
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
			{Text: signedPtr(slope, 1), Sort: sortKey(slope), Class: "num"}, s.countCell(r, "ttm"), s.countCell(r, "prev_ttm"), s.pctCellOnBase(r, "ttm_change_pct", "prev_ttm", true)})
	}
	return t
}
