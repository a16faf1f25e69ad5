package report

func (s *site) repeatPage() (*page, error) {
	d, err := s.loadInto(s.loadMonthAll("repeat", "closure"), s.loadGoals, s.loadYear("repeat", "closure"))
	if err != nil {
		return nil, err
	}
	p := &page{Path: "repeat.html", Title: s.c.T("nav.repeat"), NavKey: "nav.repeat"}
	sec, err := s.monthlyRateSection(s.c.T("rp.monthly"), "rp-monthly", d, [2]string{"repeat", "repeat_rate"}, [2]string{"closure", "not_ceased_rate"}, [2]string{"closure", "first_contact_rate"})
	if err != nil {
		return nil, err
	}
	sec.Note = s.c.T("rp.censor")
	p.Sections = append(p.Sections, sec)
	units := &section{Title: s.c.T("rp.units") + " " + s.year}
	units.Tables = append(units.Tables, s.unitYearTable(p.Path, d, "repeat", []colSpec{
		{"repeat", "petitions", "", ""}, {"repeat", "repeat_petitions", "", ""}, {"repeat", "repeat_rate", "rate", "petitions"},
		{"repeat", "repeat_petitioners", "", ""}, {"repeat", "repeat_petitioner_rate", "rate", "petitioners"},
		{"closure", "closed", "", ""}, {"closure", "not_ceased", "", ""}, {"closure", "not_ceased_rate", "rate", "closed"},
		{"closure", "first_contact_rate", "rate", "first_contact_closed"}, {"closure", "followup_rate", "rate", "closed"},
		{"closure", "satisfaction_rate", "rate", "rated"},
	}))
	p.Sections = append(p.Sections, units)
	return p, nil
}
