package queries_test

import (
	"fmt"
	"math"
	"testing"
)

// addWeekN adds n records of unit on date (YYYY-MM-DD) with the given category and channel /
// headcount ("" = blank).
func addWeekN(f *fixture, n int, unit, date, category, channel, headcount string) {
	f.t.Helper()
	for i := 0; i < n; i++ {
		f.add(P{ID: fmt.Sprintf("%s-%s-%s-%s-%s-%d", unit, date, category, channel, headcount, i), Unit: unit, Received: date,
			Category: category, Channel: channel, Headcount: headcount})
	}
}

// Early warning (SPEC §10) as of Tuesday 2025-01-07: the last ISO week ending on or before it
// is Mon 2024-12-30 .. Sun 2025-01-05 (across the year boundary); the 8 baseline weeks are
// 2024-11-04 .. 2024-12-29 (k = 1 is Dec 23–29). The data's first week starts Mon 2024-08-26
// (Z's record of 2024-09-01), so all 8 baseline weeks count. min_count 5, collective_min 2.
//
//	U1 2 a week in every baseline week (blank category), 7 in the alert week: m = 2, s = 0,
//	   σ = max(0, √2) = 1.41421356, threshold 2 + 3√2 = 6.24264069; 7 > it, 7 ≤ 2 + 5√2 =
//	   9.07 → amber, for the total and for the blank category (a value of its own).
//	U2 baseline all 0, 4 in the alert week (category c): m = 0, σ = √1 = 1, threshold 3;
//	   4 > 3 but 4 < min_count 5 → no alert.
//	U3 baseline all 0, 6 in the alert week (3 in category a, 3 in b): 6 > 0 + 5·1 → red;
//	   categories 3 < min_count → no category alert.
//	U4 baseline 8 in week k = 1 (Dec 23) only, 10 in the alert week (5 on Mon Dec 30, 5 on
//	   Sun Jan 5) plus 3 on Mon Jan 6 (next week, not counted): m = 1,
//	   s = √((7·1 + 7²)/7) = √8 = 2.82842712 > √1, threshold 1 + 3√8 = 9.48528137,
//	   red above 1 + 5√8 = 15.14 → amber.
//	U5 two visits of headcount 5 and one of 4 in the alert week: 2 collective visits ≥ 2 →
//	   collective alert, red, count 2, threshold 2; total 3 < 5 → no total alert.
//	U6 one visit of headcount 9: 1 < 2 → nothing.
func TestAlerts(t *testing.T) {
	f := newFixture(t)
	var us []U
	for _, u := range []string{"Z", "U1", "U2", "U3", "U4", "U5", "U6"} {
		us = append(us, U{ID: u})
	}
	f.units(us...)
	f.add(P{ID: "z", Unit: "Z", Received: "2024-09-01"})
	for k := 1; k <= 8; k++ {
		// a Wednesday in baseline week k
		d := fmt.Sprintf("2024-12-%02d", 25-7*(k-1))
		if k >= 4 {
			d = map[int]string{4: "2024-12-04", 5: "2024-11-27", 6: "2024-11-20", 7: "2024-11-13", 8: "2024-11-06"}[k]
		}
		addWeekN(f, 2, "U1", d, "", "", "")
	}
	addWeekN(f, 7, "U1", "2025-01-02", "", "", "")
	addWeekN(f, 4, "U2", "2025-01-01", "c", "", "")
	addWeekN(f, 3, "U3", "2025-01-03", "a", "", "")
	addWeekN(f, 3, "U3", "2025-01-03", "b", "", "")
	addWeekN(f, 8, "U4", "2024-12-23", "", "", "")
	addWeekN(f, 5, "U4", "2024-12-30", "", "", "")
	addWeekN(f, 5, "U4", "2025-01-05", "", "", "")
	addWeekN(f, 3, "U4", "2025-01-06", "", "", "")
	addWeekN(f, 2, "U5", "2025-01-04", "", "visit", "5")
	addWeekN(f, 1, "U5", "2025-01-04", "", "visit", "4")
	addWeekN(f, 1, "U6", "2025-01-04", "", "visit", "9")
	f.build("2025-01-07")

	// U1 total + blank category, U3 total, U4 total + blank category (the same series), U5 collective.
	f.eqInt(6, "SELECT count(*) FROM mart.alerts")
	f.eqInt(6, "SELECT count(*) FROM mart.alerts WHERE week_start = DATE '2024-12-30' AND week_end = DATE '2025-01-05'")
	a := func(u, kind, cat string) string {
		c := "category IS NULL"
		if cat != "" {
			c = "category = '" + cat + "'"
		}
		return " FROM mart.alerts WHERE unit_id = '" + u + "' AND kind = '" + kind + "' AND " + c
	}
	q := a("U1", "total", "")
	f.eqInt(7, `SELECT "count"`+q)
	f.eqInt(8, "SELECT baseline_weeks"+q)
	f.eqFloat(2, "SELECT baseline_mean"+q)
	f.eqFloat(0, "SELECT baseline_sd"+q)
	f.eqFloat(2+3*math.Sqrt2, "SELECT threshold"+q)
	f.eqStr("amber", "SELECT level"+q)
	f.eqStr("amber", "SELECT level"+a("U1", "category", ""))
	f.eqInt(0, "SELECT count(*) FROM mart.alerts WHERE unit_id = 'U2'")
	q = a("U3", "total", "")
	f.eqStr("red", "SELECT level"+q)
	f.eqFloat(3, "SELECT threshold"+q)
	f.eqInt(0, "SELECT count(*) FROM mart.alerts WHERE unit_id = 'U3' AND kind = 'category'")
	q = a("U4", "total", "")
	f.eqInt(10, `SELECT "count"`+q)
	f.eqFloat(1, "SELECT baseline_mean"+q)
	f.eqFloat(math.Sqrt(8), "SELECT baseline_sd"+q)
	f.eqFloat(1+3*math.Sqrt(8), "SELECT threshold"+q)
	f.eqStr("amber", "SELECT level"+q)
	q = a("U5", "collective", "")
	f.eqInt(2, `SELECT "count"`+q)
	f.eqStr("red", "SELECT level"+q)
	f.eqFloat(2, "SELECT threshold"+q)
	f.eqNull("SELECT baseline_mean" + q)
	f.eqInt(0, "SELECT count(*) FROM mart.alerts WHERE unit_id IN ('U6', 'Z')")

	// As of Sunday 2025-01-05 the alert week is the one ending that day: the same alerts.
	f.build("2025-01-05")
	f.eqInt(6, "SELECT count(*) FROM mart.alerts WHERE week_start = DATE '2024-12-30'")
	// As of Saturday 2025-01-04 it is Dec 23–29: U4's 8 against 7 zero weeks (and the data's
	// first week, Aug 26, far back): m = 0, σ = 1 → 8 > 5 → red, total and blank category;
	// nothing else.
	f.build("2025-01-04")
	f.eqInt(2, "SELECT count(*) FROM mart.alerts")
	f.eqStr("red", "SELECT level"+a("U4", "category", ""))
	f.eqStr("red", "SELECT level"+a("U4", "total", ""))
	f.eqStr("2024-12-23", "SELECT CAST(week_start AS VARCHAR)"+a("U4", "total", ""))
}

// Fewer than 4 baseline weeks: no total/category alert, but the collective rule still holds.
// As of 2025-01-07 (alert week Dec 30 – Jan 5). The data's first week is Mon 2024-12-09 (U7's
// record of Dec 11): weeks Dec 9, 16, 23 → 3 baseline weeks → no alert for U7's 20.
// Then a record of Z on 2024-12-03 moves the first week to Dec 2: 4 weeks, U7's baseline
// [k1 0, k2 0, k3 1, k4 0]: m = 0.25, s = √((0.75² + 3·0.25²)/3) = 0.5, σ = max(0.5, √1) = 1,
// threshold 3.25, 20 > 5.25 → red.
func TestAlertsShortBaseline(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "Z"}, U{ID: "U7"}, U{ID: "U8"})
	addWeekN(f, 1, "U7", "2024-12-11", "", "", "")
	addWeekN(f, 20, "U7", "2025-01-01", "", "", "")
	addWeekN(f, 2, "U8", "2025-01-01", "", "visit", "6")
	f.build("2025-01-07")
	f.eqInt(1, "SELECT count(*) FROM mart.alerts")
	f.eqStr("collective", "SELECT kind FROM mart.alerts")

	addWeekN(f, 1, "Z", "2024-12-03", "", "", "")
	f.build("2025-01-07")
	q := " FROM mart.alerts WHERE unit_id = 'U7' AND kind = 'total'"
	f.eqInt(4, "SELECT baseline_weeks"+q)
	f.eqFloat(0.25, "SELECT baseline_mean"+q)
	f.eqFloat(0.5, "SELECT baseline_sd"+q)
	f.eqFloat(3.25, "SELECT threshold"+q)
	f.eqStr("red", "SELECT level"+q)
	// the other settings: min_count 21 silences U7; collective_min 3 silences U8
	f.cfg.Alerts.MinCount = 21
	f.cfg.Alerts.CollectiveMin = 3
	f.build("2025-01-07")
	f.eqInt(0, "SELECT count(*) FROM mart.alerts")
}
