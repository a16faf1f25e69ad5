package queries_test

import (
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// Campaigns (SPEC §9), as of 2024-03-20 (a Wednesday; 2024 is a leap year). Units: P with
// children A and B, A1 a child of A; X is not in the unit table.
//
//	c1 start 2024-02-29, end 2024-05-31, units [A] → participating A and A1 (descendant).
//	   W = Feb 29 .. Mar 20 (cut at as_of): days = 1 + 20 = 21.
//	   B = the same month-days a year earlier, 29 Feb → 28 Feb: 2023-02-28 .. 2023-05-31, cut
//	       to its first 21 days: 2023-02-28 .. 2023-03-20.
//	   P = the 21 days before start: 2024-02-08 .. 2024-02-28.
//	c2 starts 2024-04-01, after as_of: no row at all.
//	c3 units "*", 2024-03-01 .. 03-10: days 10, B 2023-03-01 .. 03-10, P 2024-02-20 .. 02-29.
//
// Records (handle deadline = received + 60 days):
//
//	a1 A  rec 2024-03-01 petitioner p1 (cat x)      c1 W, c3 W
//	a2 A  rec 2024-03-20 p1, same matter as a1      c1 W (as_of itself); a repeat of a1
//	a3 A  rec 2024-03-21                             after as_of: ignored
//	a4 A  rec 2023-03-01 p2, closed 2023-03-10       c1 B, c3 B
//	a5 A  rec 2023-02-28 p3, closed 2023-03-01       c1 B (first day; the 29 Feb base)
//	a6 A  rec 2024-02-10, open (deadline Apr 10)     c1 P; backlog of c1 and c3, not overdue
//	a7 A  rec 2023-12-01, closed 2024-03-05          backlog, cleared; deadline 2024-01-30 → overdue, cleared
//	a8 A  rec 2023-12-01, closed 2024-02-28          closed before either start: no backlog
//	a9 A  rec 2024-01-15, closed 2024-02-29          c1: closed on the start day → backlog, cleared
//	                                                 (deadline Mar 15, not overdue); c3: closed before start
//	a10 A rec 2023-11-01, closed 2024-03-25          closure after as_of = open: backlog, overdue (Dec 31), not cleared
//	b1 A1 rec 2024-03-05                             c1 W, c3 W
//	b2 A1 rec 2024-02-29, open (deadline Apr 29)     c1 W; c3 P and backlog
//	c1r B rec 2024-03-02                             c1 W, c3 W
//	c2r B rec 2023-03-02, closed 2023-04-01          c1 B, c3 B
//	c3r B rec 2023-03-05, closed 2023-04-01          c1 B, c3 B
//	x1 X  rec 2024-03-03                             c1 W, c3 W (ALL only)
func TestCampaign(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P", Level: "province"}, U{ID: "A", Parent: "P"}, U{ID: "B", Parent: "P"}, U{ID: "A1", Parent: "A"})
	f.add(
		P{ID: "a1", Unit: "A", Received: "2024-03-01", Petitioner: "p1", Category: "x"},
		P{ID: "a2", Unit: "A", Received: "2024-03-20 18:00:00", Petitioner: "p1", Category: "x"},
		P{ID: "a3", Unit: "A", Received: "2024-03-21"},
		P{ID: "a4", Unit: "A", Received: "2023-03-01", Petitioner: "p2", Closed: "2023-03-10"},
		P{ID: "a5", Unit: "A", Received: "2023-02-28", Petitioner: "p3", Closed: "2023-03-01"},
		P{ID: "a6", Unit: "A", Received: "2024-02-10"},
		P{ID: "a7", Unit: "A", Received: "2023-12-01", Closed: "2024-03-05"},
		P{ID: "a8", Unit: "A", Received: "2023-12-01", Closed: "2024-02-28"},
		P{ID: "a9", Unit: "A", Received: "2024-01-15", Closed: "2024-02-29"},
		P{ID: "a10", Unit: "A", Received: "2023-11-01", Closed: "2024-03-25"},
		P{ID: "b1", Unit: "A1", Received: "2024-03-05"},
		P{ID: "b2", Unit: "A1", Received: "2024-02-29"},
		P{ID: "c1r", Unit: "B", Received: "2024-03-02"},
		P{ID: "c2r", Unit: "B", Received: "2023-03-02", Closed: "2023-04-01"},
		P{ID: "c3r", Unit: "B", Received: "2023-03-05", Closed: "2023-04-01"},
		P{ID: "x1", Unit: "X", Received: "2024-03-03"},
	)
	f.cfg.Campaigns = []config.Campaign{
		{ID: "c1", Name: "联合接访", Start: "2024-02-29", End: "2024-05-31", Units: config.CampaignUnits{"A"}},
		{ID: "c2", Name: "later", Start: "2024-04-01", End: "2024-06-30", Units: config.CampaignUnits{"A"}},
		{ID: "c3", Name: "all", Start: "2024-03-01", End: "2024-03-10", Units: config.CampaignUnits{"*"}},
	}
	f.build("2024-03-20")
	row := func(c, u string, rollup bool) string {
		return " FROM mart.campaign WHERE campaign_id = '" + c + "' AND unit_id = '" + u + "' AND rollup = " + map[bool]string{false: "false", true: "true"}[rollup]
	}
	// 2 campaigns × (4 known units × 2 + ALL); c2 has no row.
	f.eqInt(18, "SELECT count(*) FROM mart.campaign")
	f.eqInt(0, "SELECT count(*) FROM mart.campaign WHERE campaign_id = 'c2'")
	q := row("c1", "A", false)
	f.eqStr("2023-02-28", "SELECT CAST(b_start AS VARCHAR)"+q)
	f.eqStr("2023-03-20", "SELECT CAST(b_end AS VARCHAR)"+q)
	f.eqStr("2024-02-08", "SELECT CAST(p_start AS VARCHAR)"+q)
	f.eqStr("2024-03-20", "SELECT CAST(w_end AS VARCHAR)"+q)
	f.eqInt(21, "SELECT days"+q)
	f.eqInt(1, "SELECT participating::INT"+q)
	// A own: W a1 a2 = 2; B a4 a5 = 2 → 0 %; P a6 = 1 → +100 %.
	f.eqInt(2, "SELECT petitions_w"+q)
	f.eqInt(2, "SELECT petitions_b"+q)
	f.eqInt(1, "SELECT petitions_p"+q)
	f.eqFloat(0, "SELECT change_yoy_pct"+q)
	f.eqFloat(100, "SELECT change_prev_pct"+q)
	// backlog a6 a7 a9 a10 = 4, cleared a7 a9 = 2; overdue a7 a10 = 2, cleared a7 = 1.
	f.eqInt(4, "SELECT backlog"+q)
	f.eqInt(2, "SELECT backlog_cleared"+q)
	f.eqFloat(0.5, "SELECT backlog_clearance_rate"+q)
	f.eqInt(2, "SELECT overdue_backlog"+q)
	f.eqInt(1, "SELECT overdue_cleared"+q)
	f.eqFloat(0.5, "SELECT overdue_clearance_rate"+q)
	// repeats: W a2 of {a1, a2} → 0.5; B none of {a4, a5} → 0.
	f.eqFloat(0.5, "SELECT repeat_rate_w"+q)
	f.eqFloat(0, "SELECT repeat_rate_b"+q)
	// A with A1: W + b1 b2 = 4 → +100 % on B 2, +300 % on P 1; repeat 1/4.
	q = row("c1", "A", true)
	f.eqInt(4, "SELECT petitions_w"+q)
	f.eqFloat(100, "SELECT change_yoy_pct"+q)
	f.eqFloat(300, "SELECT change_prev_pct"+q)
	f.eqInt(4, "SELECT backlog"+q)
	f.eqFloat(0.25, "SELECT repeat_rate_w"+q)
	// A1 own: a zero base on both sides → NULL; participating as A's descendant.
	q = row("c1", "A1", false)
	f.eqInt(2, "SELECT petitions_w"+q)
	f.eqNull("SELECT change_yoy_pct" + q)
	f.eqNull("SELECT change_prev_pct" + q)
	f.eqInt(1, "SELECT participating::INT"+q)
	f.eqInt(0, "SELECT backlog"+q)
	f.eqNull("SELECT backlog_clearance_rate" + q)
	f.eqNull("SELECT repeat_rate_b" + q)
	// B own: W c1r = 1, B c2r c3r = 2 → −50 %; not participating; P on its own: zeros.
	q = row("c1", "B", false)
	f.eqFloat(-50, "SELECT change_yoy_pct"+q)
	f.eqInt(0, "SELECT participating::INT"+q)
	f.eqInt(0, "SELECT petitions_w"+row("c1", "P", false))
	f.eqInt(0, "SELECT participating::INT"+row("c1", "P", true))
	// P with descendants: W 5, B 4 → +25 %; ALL adds x1: W 6 → +50 %, not participating.
	f.eqFloat(25, "SELECT change_yoy_pct"+row("c1", "P", true))
	q = row("c1", "ALL", true)
	f.eqInt(6, "SELECT petitions_w"+q)
	f.eqFloat(50, "SELECT change_yoy_pct"+q)
	f.eqInt(0, "SELECT participating::INT"+q)

	// c3, "*": ALL W a1 b1 c1r x1 = 4, B a4 c2r c3r = 3 → 100/3 %, P b2 = 1 → +300 %.
	// Backlog at Mar 1: a6 a7 a10 b2 = 4 (a9 closed Feb 29), cleared a7; overdue a7 a10, cleared a7.
	q = row("c3", "ALL", true)
	f.eqInt(1, "SELECT participating::INT"+q)
	f.eqInt(10, "SELECT days"+q)
	f.eqInt(4, "SELECT petitions_w"+q)
	f.eqInt(3, "SELECT petitions_b"+q)
	f.eqFloat(100.0/3.0, "SELECT change_yoy_pct"+q)
	f.eqFloat(300, "SELECT change_prev_pct"+q)
	f.eqInt(4, "SELECT backlog"+q)
	f.eqFloat(0.25, "SELECT backlog_clearance_rate"+q)
	f.eqInt(2, "SELECT overdue_backlog"+q)
	f.eqFloat(0.5, "SELECT overdue_clearance_rate"+q)
	f.eqInt(4, "SELECT count(*) FROM mart.campaign WHERE campaign_id = 'c3' AND participating AND unit_id <> 'ALL' AND NOT rollup")

	g := func(c, grp string) string {
		return " FROM mart.campaign_groups WHERE campaign_id = '" + c + "' AND \"group\" = '" + grp + "'"
	}
	// c1 groups: participating A + A1 own: W 4, B 2 → +100 %; other P + B own: W 1, B 2 →
	// −50 %; did = 100 − (−50) = 150. Unknown X is in neither.
	f.eqInt(2, "SELECT units"+g("c1", "participating"))
	f.eqInt(4, "SELECT petitions_w"+g("c1", "participating"))
	f.eqFloat(100, "SELECT change_yoy_pct"+g("c1", "participating"))
	f.eqInt(4, "SELECT backlog"+g("c1", "participating"))
	f.eqFloat(-50, "SELECT change_yoy_pct"+g("c1", "other"))
	f.eqInt(0, "SELECT backlog"+g("c1", "other"))
	f.eqFloat(150, "SELECT did_pct"+g("c1", "participating"))
	f.eqNull("SELECT did_pct" + g("c1", "other"))
	// c3: every known unit participates: W 3, B 3 → 0 %; the other group is empty → NULL did.
	f.eqFloat(0, "SELECT change_yoy_pct"+g("c3", "participating"))
	f.eqInt(0, "SELECT units"+g("c3", "other"))
	f.eqNull("SELECT change_yoy_pct" + g("c3", "other"))
	f.eqNull("SELECT did_pct" + g("c3", "participating"))
	f.eqInt(4, "SELECT count(*) FROM mart.campaign_groups")

	// No campaigns configured: both tables exist and are empty.
	f.cfg.Campaigns = nil
	f.build("2024-03-20")
	f.eqInt(0, "SELECT count(*) FROM mart.campaign")
	f.eqInt(0, "SELECT count(*) FROM mart.campaign_groups")
}

// Petitioner not tracked: repeat rates NULL; closed_at not tracked: backlog columns NULL.
func TestCampaignNotTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.source("s1", "category")
	f.add(P{ID: "1", Unit: "A", Received: "2024-03-02", Closed: "2024-03-03"}, P{ID: "2", Unit: "A", Received: "2024-01-02"})
	f.cfg.Campaigns = []config.Campaign{{ID: "c", Start: "2024-03-01", End: "2024-03-31", Units: config.CampaignUnits{"A"}}}
	f.build("2024-03-20")
	q := " FROM mart.campaign WHERE unit_id = 'A' AND NOT rollup"
	f.eqInt(1, "SELECT petitions_w"+q)
	f.eqNull("SELECT repeat_rate_w" + q)
	f.eqNull("SELECT backlog" + q)
	f.eqNull("SELECT backlog_clearance_rate" + q)
}
