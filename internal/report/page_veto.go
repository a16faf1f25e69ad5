package report

import "strings"

// ruleLabel names a veto rule for readers: its metric and scope ("合理投诉（单位）"),
// never the config id; a rule's own label in the catalogue (rule.<id>) wins.
func (s *site) ruleLabel(r row) string {
	if l, ok := messages["rule."+r.str("rule_id")]; ok {
		return l[s.c.idx]
	}
	return s.c.V(r.str("metric")) + s.paren(s.c.V(r.str("scope")))
}

// paren wraps a note in the report language's brackets: （…） in Chinese, " (…)" in English.
func (s *site) paren(x string) string {
	if s.c.idx == 1 {
		return " (" + x + ")"
	}
	return "（" + x + "）"
}

// vetoReason says why a rule triggered: metric op threshold (actual value); the rule
// itself is in its own column.
func (s *site) vetoReason(r row) string {
	return s.sprintf("veto.reason", s.c.V(r.str("metric")), r.str("op"), fmtFloat(r.f("threshold"), 0), fmtFloat(r.f("value"), 0))
}

func (s *site) vetoSubject(from string, r row) cell {
	if r.str("scope") == "unit" {
		return s.unitCell(from, r.str("subject_id"))
	}
	return textCell(pseudMaybe(r.str("subject_id")))
}

// handlerUnits names the units a handler's records belong to (most records first).
func (s *site) handlerUnits(from string, d *data, r row) cell {
	if r.str("scope") != "handler" {
		return cell{}
	}
	var names []string
	for _, u := range d.handlerUnits[r.str("subject_id")] {
		names = append(names, s.unitCell(from, u.str("unit_id")).Text)
	}
	if len(names) == 0 {
		return textCell("-")
	}
	c := textCell(strings.Join(names, s.c.T("list_sep")))
	if len(names) == 1 {
		c = s.unitCell(from, d.handlerUnits[r.str("subject_id")][0].str("unit_id"))
	}
	return c
}

// vetoTable lists rule evaluations; withState adds the 触发 column, shown only where
// triggered and untriggered rows both appear (a list of vetoes is all 是).
func (s *site) vetoTable(from string, d *data, rows []row, name string, withState bool) *table {
	keys := []string{"year", "scope", "subject", "handler_unit", "rule", "reason", "value", "threshold"}
	if withState {
		keys = append(keys, "triggered")
	}
	hasHandler := false
	for _, r := range rows {
		hasHandler = hasHandler || r.str("scope") == "handler"
	}
	if !hasHandler {
		keys = append(keys[:3], keys[4:]...)
	}
	t := &table{CSVName: name, Cols: s.cols(keys...), Empty: s.c.T("empty")}
	for _, r := range rows {
		cells := []cell{textCell(r.str("year")), textCell(s.c.V(r.str("scope"))), s.vetoSubject(from, r)}
		if hasHandler {
			cells = append(cells, s.handlerUnits(from, d, r))
		}
		cells = append(cells, textCell(s.ruleLabel(r)), textCell(s.vetoReason(r)), s.numCell(r, "value", 0), s.numCell(r, "threshold", 0))
		if withState {
			trig := s.boolCell(r, "triggered")
			if r.b("triggered") {
				trig.Class = "bad"
			}
			cells = append(cells, trig)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

func (s *site) vetoPage() (*page, error) {
	d, err := s.loadInto(s.loadVeto, s.loadHandlerUnits)
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
	sec.Tables = append(sec.Tables, s.vetoTable(p.Path, d, trig, "veto_triggered", false))
	p.Sections = append(p.Sections, sec)
	both := map[bool]bool{}
	for _, r := range cur {
		both[r.b("triggered")] = true
	}
	all := &section{Title: s.c.T("veto.all") + " " + s.year}
	all.Tables = append(all.Tables, s.vetoTable(p.Path, d, cur, "veto_"+s.year, len(both) == 2))
	p.Sections = append(p.Sections, all)
	return p, nil
}

// loadHandlerUnits loads the units of every handler's records (mart.veto_handler_units).
func (s *site) loadHandlerUnits(d *data) error {
	rows, err := s.src.query("mart.veto_handler_units", []string{"handler_id", "unit_id", "records"},
		`SELECT handler_id, unit_id, records FROM mart.veto_handler_units ORDER BY handler_id, records DESC, unit_id`)
	if err != nil {
		return err
	}
	d.handlerUnits = map[string][]row{}
	for _, r := range rows {
		d.handlerUnits[r.str("handler_id")] = append(d.handlerUnits[r.str("handler_id")], r)
	}
	return nil
}
