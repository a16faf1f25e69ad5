package charts

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

func (s *site) vetoPage() (*page, error) {
	d, err := s.loadInto(s.loadVeto)
	if err != nil {
		return nil, err
	}
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
	sec.Tables = append(sec.Tables, s.vetoTable(p.Path, trig, "veto_triggered"))
	p.Sections = append(p.Sections, sec)
	all := &section{Title: s.c.T("veto.all") + " " + s.year}
	all.Tables = append(all.Tables, s.vetoTable(p.Path, cur, "veto_"+s.year))
	p.Sections = append(p.Sections, all)
	return p, nil
}
