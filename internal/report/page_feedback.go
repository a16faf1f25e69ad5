package report

func (s *site) feedbackPage() (*page, error) {
	d, err := s.loadInto(s.loadMonthAll("feedback"), s.loadGoals, s.loadYear("feedback", "supervision"))
	if err != nil {
		return nil, err
	}
	p := &page{Path: "feedback.html", Title: s.c.T("nav.feedback"), NavKey: "nav.feedback"}
	sec, err := s.monthlyRateSection(s.c.T("fb.monthly"), "fb-monthly", d, [2]string{"feedback", "feedback_rate"})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, sec)
	units := &section{Title: s.c.T("fb.units") + " " + s.year}
	units.Tables = append(units.Tables, s.unitYearTable(p.Path, d, "feedback", []colSpec{
		{"feedback", "feedback_due", "", ""}, {"feedback", "feedback_on_time", "", ""}, {"feedback", "feedback_rate", "rate", "feedback_due"},
	}))
	p.Sections = append(p.Sections, units)
	sup := &section{Title: s.c.T("fb.supervision") + " " + s.year}
	sup.Tables = append(sup.Tables, s.unitYearTable(p.Path, d, "supervision", []colSpec{
		{"supervision", "listed", "", ""}, {"supervision", "listed_closed", "", ""}, {"supervision", "listed_overdue", "", ""},
		{"supervision", "leader_owned", "", ""}, {"supervision", "leader_owned_closed", "", ""}, {"supervision", "leader_owned_overdue", "", ""},
		{"supervision", "mass_incidents", "", ""}, {"supervision", "traced_faults", "", ""},
	}))
	p.Sections = append(p.Sections, sup)
	return p, nil
}
