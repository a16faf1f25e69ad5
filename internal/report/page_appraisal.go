package report

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
			textCell(s.gradeLabel(r.str("grade"))), veto, textCell(s.gradeLabel(r.str("final_grade"))), s.boolCell(r, "eligible_for_awards"), s.countCell(r, "peer_size")})
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

func (s *site) appraisalPage() (*page, error) {
	d, err := s.loadInto(s.loadAppraisal)
	if err != nil {
		return nil, err
	}
	p := &page{Path: "appraisal.html", Title: s.c.T("nav.appraisal"), NavKey: "nav.appraisal"}
	sec := &section{Title: s.sprintf("ap.ranking", s.apPeriod)}
	if s.cfg.Report.Xlsx {
		sec.Links = append(sec.Links, link{Href: "appraisal.xlsx", Label: s.c.T("xlsx")})
	}
	if s.apPeriod == "" {
		sec.Missing = s.c.T("empty")
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
		for i, g := range grades {
			vals = append(vals, ptr(counts[g]))
			grades[i] = s.gradeLabel(g)
		}
		b, err := newChartBlock("ap-grades", s.c.T("ap.grades"), 260, barChart(grades, []seriesDef{{Name: s.c.T("col.final_grade"), Values: vals, Color: "#1f4e79"}}, 260, false), nil, axisNames(s.c.T("col.final_grade"), s.c.T("ax.units")))
		if err != nil {
			return nil, err
		}
		sec.Charts = append(sec.Charts, b)
	}
	p.Sections = append(p.Sections, sec)
	grid := &section{Title: s.c.T("ap.grid") + " " + s.apPeriod, Note: s.c.T("ap.grid_note")}
	if s.apPeriod == "" {
		grid.Missing = s.c.T("empty")
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
