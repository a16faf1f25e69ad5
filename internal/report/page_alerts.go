package report

import "fmt"

// alertChartLimit caps the small charts on the alert page (the table lists every alert).
const alertChartLimit = 40

// loadAlerts reads this week's alerts, red first (140_alerts.sql orders them so).
func (s *site) loadAlerts() ([]row, error) {
	return s.src.query("mart.alerts", []string{"week_start", "week_end", "unit_id", "kind", "category", "count", "baseline_weeks",
		"baseline_mean", "baseline_sd", "threshold", "level"},
		`SELECT * FROM mart.alerts
		 ORDER BY CASE level WHEN 'red' THEN 0 ELSE 1 END, unit_id,
		          CASE kind WHEN 'collective' THEN 0 WHEN 'total' THEN 1 ELSE 2 END, category NULLS FIRST`)
}

// alertCounts counts the open alerts by level.
func alertCounts(rows []row) (red, amber int64) {
	for _, r := range rows {
		if r.str("level") == "red" {
			red++
		} else {
			amber++
		}
	}
	return red, amber
}

// alertsIndexSection is the index's summary: how many alerts are open, by level.
func (s *site) alertsIndexSection() (*section, error) {
	rows, err := s.loadAlerts()
	if err != nil {
		return nil, err
	}
	red, amber := alertCounts(rows)
	sec := &section{Title: s.c.T("al.title")}
	week := ""
	if len(rows) > 0 {
		week = rows[0].str("week_start") + " – " + rows[0].str("week_end")
	}
	sec.Cards = append(sec.Cards,
		card{Label: s.c.T("al.red"), Value: fmtInt(red), Sub: week, Class: map[bool]string{true: "bad", false: ""}[red > 0]},
		card{Label: s.c.T("al.amber"), Value: fmtInt(amber), Sub: week})
	sec.Links = append(sec.Links, link{Href: "alerts.html", Label: s.c.T("al.open_page")})
	return sec, nil
}

// alertKind names an alert's kind (and category) for a label.
func (s *site) alertKind(r row) string {
	switch r.str("kind") {
	case "category":
		return s.c.T("al.kind.category") + "：" + s.c.V(r.str("category"))
	default:
		return s.c.T("al.kind." + r.str("kind"))
	}
}

func (s *site) alertsPage() (*page, error) {
	rows, err := s.loadAlerts()
	if err != nil {
		return nil, err
	}
	p := &page{Path: "alerts.html", Title: s.c.T("nav.alerts"), NavKey: "nav.alerts",
		Subtitle: s.sprintf("al.rule", s.cfg.Alerts.BaselineWeeks, s.cfg.Alerts.MinCount, s.cfg.Alerts.CollectiveMin)}
	red, amber := alertCounts(rows)
	head := &section{Title: s.c.T("al.week")}
	if len(rows) > 0 {
		head.Title += " " + rows[0].str("week_start") + " – " + rows[0].str("week_end")
	}
	head.Cards = append(head.Cards,
		card{Label: s.c.T("al.red"), Value: fmtInt(red), Class: map[bool]string{true: "bad", false: ""}[red > 0]},
		card{Label: s.c.T("al.amber"), Value: fmtInt(amber)})
	t := &table{CSVName: "alerts", Empty: s.c.T("al.none"),
		Cols: s.cols("alert_level", "unit", "kind", "week_count", "baseline_mean", "baseline_sd", "threshold", "baseline_weeks")}
	t.Cols[0].Num = false
	for _, r := range rows {
		lv := cell{Text: s.c.T("al.level." + r.str("level")), Class: "level-" + r.str("level")}
		if r.str("level") == "red" {
			lv.Class += " bad"
		}
		t.Rows = append(t.Rows, []cell{lv, s.unitCell(p.Path, r.str("unit_id")), textCell(s.alertKind(r)), s.countCell(r, "count"),
			s.numCell(r, "baseline_mean", 2), s.numCell(r, "baseline_sd", 2), s.numCell(r, "threshold", 2), s.numCell(r, "baseline_weeks", 0)})
	}
	head.Tables = append(head.Tables, t)
	p.Sections = append(p.Sections, head)

	charts := &section{Title: s.c.T("al.series"), Intro: s.c.T("al.series_intro")}
	series, err := s.src.query("mart.alert_series", []string{"unit_id", "kind", "category", "k", "week_start", "count", "in_baseline", "threshold"},
		`SELECT * FROM mart.alert_series ORDER BY unit_id, kind, category NULLS FIRST, week_start`)
	if err != nil {
		return nil, err
	}
	byAlert := map[string][]row{}
	key := func(r row) string {
		c := "\x00"
		if r.get("category") != nil {
			c = r.str("category")
		}
		return r.str("unit_id") + "\x01" + r.str("kind") + "\x01" + c
	}
	for _, r := range series {
		byAlert[key(r)] = append(byAlert[key(r)], r)
	}
	for i, r := range rows {
		if i >= alertChartLimit {
			charts.Note = s.sprintf("top_n_note", alertChartLimit)
			break
		}
		b, err := s.alertChart(fmt.Sprintf("al-%d", i), s.unitName(r.str("unit_id"))+" · "+s.alertKind(r)+" · "+s.c.T("al.level."+r.str("level")), byAlert[key(r)])
		if err != nil {
			return nil, err
		}
		charts.Charts = append(charts.Charts, b)
	}
	if len(rows) == 0 {
		charts.Missing = s.c.T("al.none")
	}
	p.Sections = append(p.Sections, charts)
	return p, nil
}

// alertChart is one alert's weekly counts (the baseline weeks and the alert week) with its
// threshold as a dashed line.
func (s *site) alertChart(id, title string, rows []row) (chartBlock, error) {
	x := make([]string, len(rows))
	counts := make([]*float64, len(rows))
	thr := make([]*float64, len(rows))
	for i, r := range rows {
		x[i] = r.str("week_start")
		counts[i] = r.f("count")
		thr[i] = r.f("threshold")
	}
	c := lineChart(x, []seriesDef{
		{Name: s.c.T("al.weekly_count"), Values: counts, Color: "#c53030"},
		{Name: s.c.T("col.threshold"), Values: thr, Dashed: true, Color: "#718096"},
	}, 200, false)
	return newChartBlock(id, title, 200, c, nil)
}

// indexCampaignsAndAlerts adds the index's open-alert counts and campaign list (the review's
// index lists its quarter's campaigns in reviewSections instead).
func (s *site) indexCampaignsAndAlerts(p *page) error {
	al, err := s.alertsIndexSection()
	if err != nil {
		return err
	}
	p.Sections = append(p.Sections, al)
	if s.review != "" {
		return nil
	}
	cp, err := s.campaignLinks("")
	if err != nil {
		return err
	}
	p.Sections = append(p.Sections, cp)
	return nil
}
