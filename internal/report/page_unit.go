package report

import (
	"sort"
	"strings"

	"github.com/xinfang/xinfang/internal/spec"
)

// unitPages builds one page per known unit: its own trend, its indicators against
// its peers, and the exception lists inspectors work from.
func (s *site) unitPages() ([]*page, error) {
	d, err := s.loadInto(s.loadMonthlyVolume("", false), s.loadCurrentVolume(""), s.loadTrend, s.loadAppraisal,
		s.loadOpenLists, s.loadVeto, s.loadInspectorLists, s.loadTargets, s.loadCohort(""))
	if err != nil {
		return nil, err
	}
	apByUnit := map[string]row{}
	for _, r := range d.apRows {
		apByUnit[r.str("unit_id")] = r
	}
	// d is only read (each unit sorts its own indicator rows), so the pages are built
	// side by side
	pages := make([]*page, len(s.order))
	if err := forEach(len(s.order), func(i int) error {
		var err error
		pages[i], err = s.unitPage(d, s.units[s.order[i]], apByUnit[s.order[i]])
		return err
	}); err != nil {
		return nil, err
	}
	return pages, nil
}

func (s *site) unitPage(d *data, u *unitInfo, ap row) (*page, error) {
	p := &page{Path: u.File, Title: u.Name, NavKey: ""}
	p.Subtitle = strings.Join([]string{u.ID, s.c.V(u.Sector), s.c.V(u.Level)}, " · ")
	info := &section{Title: s.c.T("u.info")}
	if u.Parent != "" {
		c := s.unitCell(p.Path, u.Parent)
		info.Links = append(info.Links, link{Href: c.Href, Label: s.c.T("u.parent") + s.c.T("colon") + c.Text})
	}
	for _, ch := range u.Children {
		c := s.unitCell(p.Path, ch)
		info.Links = append(info.Links, link{Href: c.Href, Label: s.c.T("u.children") + s.c.T("colon") + c.Text})
	}
	cur := d.volCur[u.ID]
	pers, err := s.periods()
	if err != nil {
		return nil, err
	}
	p.Picker = s.newPicker(strings.TrimSuffix(u.File, ".html")) // data/unit/<stem>.js
	own := s.paren(s.c.T("own"))
	info.Cards = append(info.Cards, s.kpiCardsFor(cur, s.defaultPeriod(pers), own)...)
	s.putCards(p.Picker, pers, cur, own)
	tr, ok := d.trend[u.ID]
	info.Cards = append(info.Cards, s.trendCard(s.c.T("ov.trend")+s.paren(s.c.T("own")), tr, ok))
	if len(u.Children) > 0 {
		tri, ok := d.trendIncl[u.ID]
		info.Cards = append(info.Cards, s.trendCard(s.c.T("ov.trend")+s.paren(s.c.T("incl")), tri, ok))
	}
	if vs := d.vetoByUnit[u.ID]; len(vs) > 0 {
		info.Tables = append(info.Tables, s.vetoTable(p.Path, d, vs, "veto_"+u.ID, false))
		info.Tables[0].Title = s.c.T("u.veto")
	}
	p.Sections = append(p.Sections, info)

	// Own monthly trend (and including subordinate units when it has any).
	trend := &section{Title: s.c.T("u.trend")}
	if len(d.months) > 0 {
		own := monthSeries(d.months, d.volMonth[u.ID][false], "petitions")
		series := []seriesDef{{Name: s.c.T("own"), Values: own, Color: "#5470c6"}, {Name: s.c.T("ov.ma12"), Values: monthSeries(d.months, d.volMonth[u.ID][false], "ma12"), Color: "#fc8452"}}
		if len(u.Children) > 0 {
			series = append(series, seriesDef{Name: s.c.T("incl"), Values: monthSeries(d.months, d.volMonth[u.ID][true], "petitions"), Color: "#91cc75"})
		}
		if tl := s.targetLine(d, u.ID, d.months, false); tl != nil {
			series = append(series, seriesDef{Name: s.c.T("ov.target"), Values: tl, Dashed: true, Color: "#2f855a"})
		}
		b, err := newChartBlock("u-trend", "", 300, lineChart(d.months, series, 300, false), nil, s.markPartial(), axisNames(s.c.T("ax.month"), s.c.T("ax.petitions")))
		if err != nil {
			return nil, err
		}
		trend.Charts = append(trend.Charts, b)
		s.putBands(p.Picker, pers, "u-trend", d.months, true)
	} else {
		trend.Missing = s.c.T("empty")
	}
	p.Sections = append(p.Sections, trend)

	// Indicators against peers.
	ind := &section{Title: s.sprintf("u.indicators", s.apPeriod)}
	if ap.ok() {
		ind.Cards = append(ind.Cards, card{Label: s.c.T("col.score"), Value: fmtFloat(ap.f("score"), 1),
			Sub: s.c.T("col.grade") + " " + s.gradeLabel(ap.str("grade")) + " · " + s.c.T("col.final_grade") + " " + s.gradeLabel(ap.str("final_grade")) + " · " + s.c.T("col.rank") + " " + orDash(ap.str("rank")) + "/" + ap.str("peer_size")})
		t := &table{CSVName: "indicators_" + u.ID, Empty: s.c.T("empty"), Note: s.c.T("ap.grid_note"),
			Cols: s.cols("indicator", "value", "denominator", "p50", "target", "points", "weight")}
		t.Cols[3].Label = s.c.T("u.peer_median")
		rows := d.apInd[u.ID]
		order := map[string]int{}
		for i, id := range s.indicatorOrder() {
			order[id] = i
		}
		sort.SliceStable(rows, func(i, j int) bool { return order[rows[i].str("indicator")] < order[rows[j].str("indicator")] })
		for _, r := range rows {
			in := r.str("indicator")
			// every indicator value, median and target is in percent (a rate × 100, or
			// the change yoy_pct, signed)
			reg, _ := spec.MetricByID(in)
			pct := func(c cell, p *float64, prec int) cell {
				if finite(p) {
					if reg.Unit == spec.Percent {
						c.Text = signedPtr(p, prec) + "%"
					} else {
						c.Text = fmtFloat(p, prec) + "%"
					}
				}
				return c
			}
			v := cell{Text: "N/A", Class: "num rag-" + rag(r)}
			if rag(r) != "na" {
				v = pct(v, r.f("value"), 1)
				v.Sort = sortKey(r.f("value"))
			}
			med := cell{Text: "-", Class: "num"}
			if pm, ok := d.peerMedian[ap.str("peer_group")+"|"+in]; ok {
				med = pct(s.numCell(pm, "p50", 1), pm.f("p50"), 1)
			}
			t.Rows = append(t.Rows, []cell{textCell(s.c.T("col." + in)), v, s.countCell(r, "denominator"), med, pct(s.numCell(r, "target", 0), r.f("target"), 0), s.numCell(r, "points", 2), s.numCell(r, "weight", 0)})
		}
		ind.Tables = append(ind.Tables, t)
	} else {
		ind.Missing = s.c.T("empty")
	}
	p.Sections = append(p.Sections, ind)

	p.Sections = append(p.Sections, s.cohortSection(u.ID, d.cohort[u.ID]))

	// Exception lists.
	p.Sections = append(p.Sections,
		s.openListSection(p.Path, s.c.T("u.overdue"), d.overdue[u.ID], "days_overdue", "overdue_"+u.ID, false, 0),
		s.openListSection(p.Path, s.c.T("u.due_soon"), d.dueSoon[u.ID], "days_left", "due_soon_"+u.ID, false, 0),
		s.openListSection(p.Path, s.c.T("u.listed"), d.openListed[u.ID], "", "listed_"+u.ID, false, 0),
		s.openListSection(p.Path, s.c.T("u.leader"), d.openLeader[u.ID], "", "leader_"+u.ID, false, 0),
	)
	rep := &section{Title: s.c.T("u.repeaters")}
	nc := &section{Title: s.c.T("u.not_ceased")}
	{
		t := &table{CSVName: "repeaters_" + u.ID, Empty: s.c.T("empty"), Cols: s.cols("petitioner", "repeats", "last_received")}
		for _, r := range d.repeaters[u.ID] {
			t.Rows = append(t.Rows, []cell{textCell(pseud(r.str("petitioner_id"))), s.countCell(r, "repeats"), textCell(r.str("last_received"))})
		}
		rep.Tables = append(rep.Tables, t)
		t2 := &table{CSVName: "not_ceased_" + u.ID, Empty: s.c.T("empty"), Cols: s.cols("petition_id", "source", "petitioner", "received_date", "closed_date")}
		for _, r := range d.notCeased[u.ID] {
			t2.Rows = append(t2.Rows, []cell{textCell(r.str("petition_id")), textCell(r.str("source")), textCell(pseud(r.str("petitioner_id"))), textCell(r.str("received_date")), textCell(r.str("closed_date"))})
		}
		nc.Tables = append(nc.Tables, t2)
	}
	p.Sections = append(p.Sections, rep, nc)
	return p, nil
}
