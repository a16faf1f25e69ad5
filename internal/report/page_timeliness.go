package report

func (s *site) timelinessPage() (*page, error) {
	d, err := s.loadInto(s.loadMonthAll("timeliness", "acceptance"), s.loadGoals, s.loadOpenLists, s.loadCohort("ALL"))
	if err != nil {
		return nil, err
	}
	p := &page{Path: "timeliness.html", Title: s.c.T("nav.timeliness"), NavKey: "nav.timeliness", Picker: s.newPicker("timeliness")}
	sec, err := s.monthlyRateSection(p, s.c.T("tl.monthly"), "tl-monthly", d, [2]string{"timeliness", "on_time_rate"}, [2]string{"acceptance", "acceptance_rate"})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, sec)
	units, err := s.unitPeriodSection(p, "tl.units", "pk.tl.units", "timeliness", []colSpec{
		{"timeliness", "due", "", ""}, {"timeliness", "on_time", "", ""}, {"timeliness", "late_closed", "", ""},
		{"timeliness", "overdue_open", "", ""}, {"timeliness", "on_time_rate", "rate", "due"},
		{"timeliness", "median_handling_days", "num", ""}, {"acceptance", "accept_due", "", ""}, {"acceptance", "acceptance_rate", "rate", "accept_due"},
	})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, units)
	p.Sections = append(p.Sections, s.cohortSection("ALL", d.cohort["ALL"]))
	p.Sections = append(p.Sections, s.openListSection(p.Path, s.c.T("tl.overdue"), d.overdueAll, "days_overdue", "overdue", true, 0))
	p.Sections = append(p.Sections, s.openListSection(p.Path, s.sprintf("tl.due_soon", s.cfg.Metrics.DueSoonDays), d.dueSoonAll, "days_left", "due_soon", true, 0))
	return p, nil
}
