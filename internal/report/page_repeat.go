package report

func (s *site) repeatPage() (*page, error) {
	d, err := s.loadInto(s.loadMonthAll("repeat", "closure"), s.loadGoals)
	if err != nil {
		return nil, err
	}
	p := &page{Path: "repeat.html", Title: s.c.T("nav.repeat"), NavKey: "nav.repeat", Picker: s.newPicker("repeat")}
	sec, err := s.monthlyRateSection(p, s.c.T("rp.monthly"), "rp-monthly", d, [2]string{"repeat", "repeat_rate"}, [2]string{"closure", "not_ceased_rate"}, [2]string{"closure", "first_contact_rate"})
	if err != nil {
		return nil, err
	}
	sec.Note = s.c.T("rp.censor")
	p.Sections = append(p.Sections, sec)
	units, err := s.unitPeriodSection(p, "rp.units", "pk.rp.units", "repeat", []colSpec{
		{"repeat", "petitions", "", ""}, {"repeat", "repeat_petitions", "", ""}, {"repeat", "repeat_rate", "rate", "petitions"},
		{"repeat", "repeat_petitioners", "", ""}, {"repeat", "repeat_petitioner_rate", "rate", "petitioners"},
		{"closure", "closed", "", ""}, {"closure", "not_ceased", "", ""}, {"closure", "not_ceased_rate", "rate", "closed"},
		{"closure", "first_contact_rate", "rate", "first_contact_closed"}, {"closure", "followup_rate", "rate", "closed"},
		{"closure", "satisfaction_rate", "rate", "rated"},
	})
	if err != nil {
		return nil, err
	}
	p.Sections = append(p.Sections, units)
	return p, nil
}
