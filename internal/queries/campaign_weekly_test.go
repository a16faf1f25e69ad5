package queries_test

import (
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// Weekly petitions around a campaign (131_campaign_weekly.sql), as of Wednesday 2024-03-20.
// Units P with children A and B; X is not in the unit table.
//
//	c1 2024-03-01 .. 03-10, units [A]: days 10; P = 02-20 .. 02-29, W = 03-01 .. 03-10, after =
//	   03-11 .. least(as_of, end + 10) = 03-11 .. 03-20. Weeks from each window's first day:
//	   P0 02-20..02-26, P1 02-27..02-29 (3 days), W0 03-01..03-07, W1 03-08..03-10 (3 days),
//	   after0 03-11..03-17, after1 03-18..03-20 (3 days).
//	c2 2024-03-15 .. 04-30, units "*": days 6 (cut at as_of); P = 03-09 .. 03-14 (one 6-day
//	   week), W = 03-15 .. 03-20 (one 6-day week); not ended: no after window.
//
// Records: a1 A 02-21 (c1 P0), a2 A 02-29 (c1 P1), a3 A 03-01 and a4 A 03-07 (c1 W0), a5 A
// 03-10 (c1 W1; c2 P), b1 B 03-08 (c1 W1, other), x1 X 03-09 (c1 W1 and c2 P, ALL only), a6 A
// 03-20 (c1 after1; c2 W), b2 B 02-19 (before every window).
//
//	c1 ALL:           P0 1, P1 1, W0 2, W1 3 (a5 b1 x1), after0 0, after1 1
//	c1 participating: P0 1, P1 1, W0 2, W1 1 (a5),       after0 0, after1 1
//	c1 other:         W1 1 (b1), every other week 0
//	c2 ALL: P0 2 (a5 x1), W0 1 (a6); participating (every known unit): P0 1, W0 1; other: 0, 0
func TestCampaignWeekly(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P", Level: "province"}, U{ID: "A", Parent: "P"}, U{ID: "B", Parent: "P"})
	f.add(
		P{ID: "a1", Unit: "A", Received: "2024-02-21"},
		P{ID: "a2", Unit: "A", Received: "2024-02-29 23:00:00"},
		P{ID: "a3", Unit: "A", Received: "2024-03-01"},
		P{ID: "a4", Unit: "A", Received: "2024-03-07"},
		P{ID: "a5", Unit: "A", Received: "2024-03-10"},
		P{ID: "b1", Unit: "B", Received: "2024-03-08"},
		P{ID: "x1", Unit: "X", Received: "2024-03-09"},
		P{ID: "a6", Unit: "A", Received: "2024-03-20"},
		P{ID: "b2", Unit: "B", Received: "2024-02-19"},
	)
	f.cfg.Campaigns = []config.Campaign{
		{ID: "c1", Name: "联合接访", Start: "2024-03-01", End: "2024-03-10", Units: config.CampaignUnits{"A"}},
		{ID: "c2", Name: "all", Start: "2024-03-15", End: "2024-04-30", Units: config.CampaignUnits{"*"}},
	}
	f.build("2024-03-20")
	f.eqInt(18, "SELECT count(*) FROM mart.campaign_weekly WHERE campaign_id = 'c1'")
	f.eqInt(6, "SELECT count(*) FROM mart.campaign_weekly WHERE campaign_id = 'c2'")
	f.eqInt(0, "SELECT count(*) FROM mart.campaign_weekly WHERE campaign_id = 'c2' AND \"window\" = 'after'")
	type wk struct {
		camp, series, window string
		no                   int
		start, end           string
		days, n              int64
	}
	for _, w := range []wk{
		{"c1", "ALL", "P", 0, "2024-02-20", "2024-02-26", 7, 1},
		{"c1", "ALL", "P", 1, "2024-02-27", "2024-02-29", 3, 1},
		{"c1", "ALL", "W", 0, "2024-03-01", "2024-03-07", 7, 2},
		{"c1", "ALL", "W", 1, "2024-03-08", "2024-03-10", 3, 3},
		{"c1", "ALL", "after", 0, "2024-03-11", "2024-03-17", 7, 0},
		{"c1", "ALL", "after", 1, "2024-03-18", "2024-03-20", 3, 1},
		{"c1", "participating", "P", 0, "2024-02-20", "2024-02-26", 7, 1},
		{"c1", "participating", "P", 1, "2024-02-27", "2024-02-29", 3, 1},
		{"c1", "participating", "W", 0, "2024-03-01", "2024-03-07", 7, 2},
		{"c1", "participating", "W", 1, "2024-03-08", "2024-03-10", 3, 1},
		{"c1", "participating", "after", 1, "2024-03-18", "2024-03-20", 3, 1},
		{"c1", "other", "W", 1, "2024-03-08", "2024-03-10", 3, 1},
		{"c1", "other", "W", 0, "2024-03-01", "2024-03-07", 7, 0},
		{"c2", "ALL", "P", 0, "2024-03-09", "2024-03-14", 6, 2},
		{"c2", "ALL", "W", 0, "2024-03-15", "2024-03-20", 6, 1},
		{"c2", "participating", "P", 0, "2024-03-09", "2024-03-14", 6, 1},
		{"c2", "participating", "W", 0, "2024-03-15", "2024-03-20", 6, 1},
		{"c2", "other", "P", 0, "2024-03-09", "2024-03-14", 6, 0},
	} {
		q := ` FROM mart.campaign_weekly WHERE campaign_id = ? AND series = ? AND "window" = ? AND week_no = ?`
		f.eqStr(w.start, "SELECT CAST(week_start AS VARCHAR)"+q, w.camp, w.series, w.window, w.no)
		f.eqStr(w.end, "SELECT CAST(week_end AS VARCHAR)"+q, w.camp, w.series, w.window, w.no)
		f.eqInt(w.days, "SELECT days"+q, w.camp, w.series, w.window, w.no)
		f.eqInt(w.n, "SELECT petitions"+q, w.camp, w.series, w.window, w.no)
	}
	f.eqInt(0, "SELECT sum(petitions) FROM mart.campaign_weekly WHERE campaign_id = 'c2' AND series = 'other'")
}
