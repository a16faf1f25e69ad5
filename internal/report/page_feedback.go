package report

func (s *site) feedbackPage() (*page, error) {
	d, err := s.loadInto(s.loadMonthAll("feedback"), s.loadGoals)
	if err != nil {
		return nil, err
	}
	p := &page{Path: "feedback.html", Title: s.c.T("nav.feedback"), NavKey: "nav.feedback", Picker: s.newPicker("feedback")}
	sec, err := s.monthlyRateSection(p, s.c.T("fb.monthly"), "fb-monthly", d, [2]string{"feedback", "feedback_rate"})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, sec)
	units, err := s.unitPeriodSection(p, "fb.units", "pk.fb.units", "feedback", []colSpec{
		{"feedback", "feedback_due", "", ""}, {"feedback", "feedback_on_time", "", ""}, {"feedback", "feedback_rate", "rate", "feedback_due"},
	})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, units)
	sup, err := s.unitPeriodSection(p, "fb.supervision", "pk.fb.supervision", "supervision", []colSpec{
		{"supervision", "listed", "", ""}, {"supervision", "listed_closed", "", ""}, {"supervision", "listed_overdue", "", ""},
		{"supervision", "leader_owned", "", ""}, {"supervision", "leader_owned_closed", "", ""}, {"supervision", "leader_owned_overdue", "", ""},
		{"supervision", "mass_incidents", "", ""}, {"supervision", "traced_faults", "", ""},
	})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, sup)
	return p, nil
}
