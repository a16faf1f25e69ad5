package report

import (
	"crypto/sha256"
	"encoding/hex"
	"github.com/xinfang/xinfang/internal/archive"
	"strings"
	"time"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// campaignFile is a campaign page's file name, at the site root like the topic pages (the
// id's safe characters and a short hash of the exact id, as unitFile).
func campaignFile(id string) string {
	safe := strings.Trim(unsafeName.ReplaceAllString(id, "_"), "_")
	if len(safe) > 40 {
		safe = safe[:40]
	}
	h := sha256.Sum256([]byte(id))
	return "campaign-" + safe + "-" + hex.EncodeToString(h[:4]) + ".html"
}

// campaignInfo is one campaign as mart.campaign has it (its ALL row: windows and name).
type campaignInfo struct {
	ID, Name, File string
	all            row
}

// loadCampaigns lists the campaigns mart.campaign holds (those started by as_of), in
// config order (130_campaign.sql writes them in that order).
func (s *site) loadCampaigns() ([]campaignInfo, error) {
	rows, err := s.src.query("mart.campaign", []string{"campaign_id", "name", "unit_id", "start_date", "end_date", "w_start", "w_end",
		"b_start", "b_end", "p_start", "p_end", "days", "petitions_w", "petitions_b", "petitions_p", "change_yoy_pct", "change_prev_pct",
		"backlog", "backlog_cleared", "backlog_clearance_rate", "overdue_backlog", "overdue_cleared", "overdue_clearance_rate",
		"repeat_rate_w", "repeat_rate_b"},
		`SELECT * FROM mart.campaign WHERE unit_id = 'ALL'`)
	if err != nil {
		return nil, err
	}
	var out []campaignInfo
	for _, r := range rows {
		out = append(out, campaignInfo{ID: r.str("campaign_id"), Name: r.str("name"), File: campaignFile(r.str("campaign_id")), all: r})
	}
	return out, nil
}

// campaignPages builds one page per campaign of mart.campaign.
func (s *site) campaignPages() ([]*page, error) {
	cs, err := s.loadCampaigns()
	if err != nil {
		return nil, err
	}
	var pages []*page
	for _, c := range cs {
		p, err := s.campaignPage(c)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// campaignLinks links each campaign page; with quarter set ("2026-Q1"), only the campaigns
// whose window (start .. end) overlaps that quarter (the quarterly review's list).
func (s *site) campaignLinks(quarter string) (*section, error) {
	cs, err := s.loadCampaigns()
	if err != nil {
		return nil, err
	}
	sec := &section{Title: s.c.T("cp.list")}
	var qs, qe time.Time
	if quarter != "" {
		if qs, qe, err = archive.ParseQuarter(quarter); err != nil {
			return nil, err
		}
		sec.Title = s.sprintf("cp.list_quarter", quarter)
	}
	for _, c := range cs {
		start, _ := c.all.get("start_date").(time.Time)
		end, _ := c.all.get("end_date").(time.Time)
		if quarter != "" && (start.After(qe) || end.Before(qs)) {
			continue
		}
		sec.Links = append(sec.Links, link{Href: c.File, Label: c.Name,
			Note: s.sprintf("cp.window_note", c.all.str("start_date"), c.all.str("end_date"), c.all.str("w_end"), c.all.i("days"))})
	}
	if len(sec.Links) == 0 {
		sec.Missing = s.c.T("cp.none")
	}
	return sec, nil
}

// campaignCard is a before/after card: petitions in W against B (同比) and P (环比).
func (s *site) campaignCard(label string, r row) card {
	c := card{Label: label, Value: fmtInt(r.i("petitions_w")),
		Sub: s.sprintf("cp.card_sub", fmtInt(r.i("petitions_b")), fmtInt(r.i("petitions_p")))}
	c.Deltas = append(c.Deltas, s.deltaOf(s.c.T("cp.vs_b"), r.f("change_yoy_pct"), true), s.deltaOf(s.c.T("cp.vs_p"), r.f("change_prev_pct"), true))
	return c
}

// clearanceCard shows a backlog, how much of it was cleared within W, and the rate.
func (s *site) clearanceCard(label string, r row, n, cleared, rate string) card {
	if r.f(n) == nil {
		return card{Label: label, Value: s.c.T("not_tracked")}
	}
	c := card{Label: label, Value: fmtInt(r.i(cleared)) + " / " + fmtInt(r.i(n))}
	c.Sub = s.c.T("col."+rate) + " " + "-"
	if p := r.f(rate); finite(p) {
		c.Sub = s.c.T("col."+rate) + " " + pctText(*p)
	}
	return c
}

func (s *site) campaignPage(c campaignInfo) (*page, error) {
	p := &page{Path: c.File, Title: c.Name}
	a := c.all
	p.Subtitle = s.sprintf("cp.subtitle", c.ID, a.str("w_start"), a.str("w_end"), a.i("days"), a.str("b_start"), a.str("b_end"), a.str("p_start"), a.str("p_end"))
	rows, err := s.src.query("mart.campaign", []string{"campaign_id", "unit_id", "rollup", "participating", "petitions_w", "petitions_b", "petitions_p",
		"change_yoy_pct", "change_prev_pct", "backlog", "backlog_cleared", "backlog_clearance_rate", "overdue_backlog", "overdue_cleared",
		"overdue_clearance_rate", "repeat_rate_w", "repeat_rate_b"},
		`SELECT * FROM mart.campaign WHERE campaign_id = ? AND unit_id <> 'ALL' AND participating ORDER BY unit_id, rollup`, c.ID)
	if err != nil {
		return nil, err
	}
	listedRows, err := s.src.query("mart.cfg_campaign_units", []string{"campaign_id", "unit_id"},
		`SELECT unit_id FROM mart.cfg_campaign_units WHERE campaign_id = ? ORDER BY unit_id`, c.ID)
	if err != nil {
		return nil, err
	}
	listed := map[string]bool{}
	for _, r := range listedRows {
		listed[r.str("unit_id")] = true
	}

	// Before/after: the whole system, then each listed unit with its subordinate units.
	ba := &section{Title: s.c.T("cp.before_after"), Intro: s.c.T("cp.before_after_intro")}
	ba.Cards = append(ba.Cards, s.campaignCard(s.c.T("all"), a))
	own := map[string]row{}
	for _, r := range rows {
		if !r.b("rollup") {
			own[r.str("unit_id")] = r
		} else if listed[r.str("unit_id")] {
			ba.Cards = append(ba.Cards, s.campaignCard(s.unitName(r.str("unit_id"))+"（"+s.c.T("incl")+"）", r))
		}
	}
	if listed["*"] {
		ba.Note = s.c.T("cp.all_units")
	}
	p.Sections = append(p.Sections, ba)

	// The backlog at start and its clearance within W.
	bl := &section{Title: s.c.T("cp.backlog"), Intro: s.c.T("cp.backlog_intro")}
	bl.Cards = append(bl.Cards,
		s.clearanceCard(s.c.T("all")+" · "+s.c.T("col.backlog"), a, "backlog", "backlog_cleared", "backlog_clearance_rate"),
		s.clearanceCard(s.c.T("all")+" · "+s.c.T("col.overdue_backlog"), a, "overdue_backlog", "overdue_cleared", "overdue_clearance_rate"))
	p.Sections = append(p.Sections, bl)

	// Difference in differences against the other units.
	groups, err := s.src.query("mart.campaign_groups", []string{"campaign_id", "group", "units", "petitions_w", "petitions_b", "petitions_p",
		"change_yoy_pct", "change_prev_pct", "backlog", "backlog_cleared", "backlog_clearance_rate", "did_pct"},
		`SELECT * FROM mart.campaign_groups WHERE campaign_id = ? ORDER BY "group" DESC`, c.ID)
	if err != nil {
		return nil, err
	}
	did := &section{Title: s.c.T("cp.did"), Intro: s.c.T("cp.did_intro")}
	gt := &table{CSVName: "campaign_groups_" + c.ID, Empty: s.c.T("empty"),
		Cols: s.cols("group", "units", "petitions_w", "petitions_b", "petitions_p", "change_yoy_pct", "change_prev_pct", "backlog", "backlog_cleared", "backlog_clearance_rate")}
	gt.Cols[0].Num = false
	for _, g := range groups {
		if g.str("group") == "participating" {
			dc := card{Label: s.c.T("col.did_pct"), Value: "-"}
			if p := g.f("did_pct"); finite(p) {
				dc.Value = signed(*p) + " " + s.c.T("cp.points")
				dc.Class = map[bool]string{true: "good", false: "bad"}[*p <= 0]
			}
			dc.Sub = s.c.T("cp.did_sub")
			did.Cards = append(did.Cards, dc)
		}
		gt.Rows = append(gt.Rows, []cell{textCell(s.c.T("cp.group." + g.str("group"))), s.countCell(g, "units"), s.countCell(g, "petitions_w"),
			s.countCell(g, "petitions_b"), s.countCell(g, "petitions_p"), s.pctCell(g, "change_yoy_pct", true), s.pctCell(g, "change_prev_pct", true),
			s.countCell(g, "backlog"), s.countCell(g, "backlog_cleared"), s.rateCell(g, "backlog_clearance_rate", "backlog")})
	}
	did.Tables = append(did.Tables, gt)
	p.Sections = append(p.Sections, did)

	// Weekly petitions across P, W and after.
	wk := &section{Title: s.c.T("cp.weekly"), Intro: s.c.T("cp.weekly_intro")}
	b, ok, err := s.campaignWeeklyChart(c.ID)
	if err != nil {
		return nil, err
	}
	if ok {
		wk.Charts = append(wk.Charts, b)
	} else {
		wk.Missing = s.c.T("empty")
	}
	p.Sections = append(p.Sections, wk)

	// Every participating unit, its own records.
	ut := &table{CSVName: "campaign_units_" + c.ID, Empty: s.c.T("empty"), Note: s.c.T("rollup_note"),
		Cols: s.cols("unit", "petitions_w", "petitions_b", "petitions_p", "change_yoy_pct", "change_prev_pct", "backlog", "backlog_cleared",
			"backlog_clearance_rate", "overdue_backlog", "overdue_cleared", "overdue_clearance_rate", "repeat_rate_w", "repeat_rate_b")}
	for _, id := range s.order {
		r, ok := own[id]
		if !ok {
			continue
		}
		ut.Rows = append(ut.Rows, []cell{s.unitCell(p.Path, id), s.countCell(r, "petitions_w"), s.countCell(r, "petitions_b"), s.countCell(r, "petitions_p"),
			s.pctCell(r, "change_yoy_pct", true), s.pctCell(r, "change_prev_pct", true), s.countCell(r, "backlog"), s.countCell(r, "backlog_cleared"),
			s.rateCell(r, "backlog_clearance_rate", "backlog"), s.countCell(r, "overdue_backlog"), s.countCell(r, "overdue_cleared"),
			s.rateCell(r, "overdue_clearance_rate", "overdue_backlog"), s.rateCell(r, "repeat_rate_w", "petitions_w"), s.rateCell(r, "repeat_rate_b", "petitions_b")})
	}
	p.Sections = append(p.Sections, &section{Title: s.c.T("cp.units"), Tables: []*table{ut}})
	return p, nil
}

// windowBars stacks the first three series (one per window, so one bar a week coloured by
// its window) and sets the last beside them.
func windowBars(x []string, series []seriesDef) *echarts.Bar {
	c := echarts.NewBar()
	c.SetGlobalOptions(baseOpts(320)...)
	c.SetGlobalOptions(echarts.WithGridOpts(opts.Grid{Left: "50", Right: "20", Top: "40", Bottom: "30"}))
	c.SetXAxis(x)
	for i, sd := range series {
		stack := "all"
		if i == len(series)-1 {
			stack = "part"
		}
		c.AddSeries(sd.Name, barData(sd.Values), echarts.WithBarChartOpts(opts.BarChart{Stack: stack}),
			echarts.WithItemStyleOpts(opts.ItemStyle{Color: sd.Color}))
	}
	return c
}

// campaignWeeklyChart draws mart.campaign_weekly: the whole system's weekly petitions, one
// colour per window (P, W, after), and beside it the participating units' own records.
func (s *site) campaignWeeklyChart(id string) (chartBlock, bool, error) {
	rows, err := s.src.query("mart.campaign_weekly", []string{"campaign_id", "series", "window", "week_no", "week_start", "days", "petitions"},
		`SELECT * FROM mart.campaign_weekly WHERE campaign_id = ? ORDER BY week_start`, id)
	if err != nil {
		return chartBlock{}, false, err
	}
	var x []string
	idx := map[string]int{}
	win := map[string]string{}
	for _, r := range rows {
		k := r.str("week_start")
		if _, ok := idx[k]; !ok {
			idx[k] = len(x)
			label := k
			if r.i("days") < 7 {
				label += "*"
			}
			x = append(x, label)
			win[k] = r.str("window")
		}
	}
	if len(x) == 0 {
		return chartBlock{}, false, nil
	}
	colours := map[string]string{"P": "#a0aec0", "W": "#c53030", "after": "#3182ce"}
	byWin := map[string][]*float64{"P": make([]*float64, len(x)), "W": make([]*float64, len(x)), "after": make([]*float64, len(x))}
	part := make([]*float64, len(x))
	for _, r := range rows {
		i := idx[r.str("week_start")]
		switch r.str("series") {
		case "ALL":
			if v, ok := byWin[r.str("window")]; ok {
				v[i] = r.f("petitions")
			}
		case "participating":
			part[i] = r.f("petitions")
		}
	}
	var series []seriesDef
	for _, w := range []string{"P", "W", "after"} {
		series = append(series, seriesDef{Name: s.c.T("all") + " · " + s.c.T("cp.win."+w), Values: byWin[w], Color: colours[w]})
	}
	series = append(series, seriesDef{Name: s.c.T("cp.group.participating"), Values: part, Color: "#2f855a"})
	b, err := newChartBlock("cp-weekly", "", 320, windowBars(x, series), nil)
	if err != nil {
		return chartBlock{}, false, err
	}
	b.Note = s.c.T("cp.weekly_note")
	return b, true, nil
}
