package queries_test

import (
	"testing"
)

// The weekly series behind each alert (141_alert_series.sql), as of Tuesday 2025-01-07: the
// alert week is Mon 2024-12-30 .. Sun 2025-01-05. The data's first week is Mon 2024-11-18 (Z's
// record), so of the 8 baseline weeks only k = 1 … 6 (Dec 23 back to Nov 18) exist.
//
//	U1, blank category unless said: k6 (Nov 20) 1, k4 (Dec 4) 2, k2 (Dec 18) 1 + 1 in
//	   category c, alert week (Jan 2) 6, and one on Mon Jan 6 (next week, not counted).
//	   total: 1 0 2 0 2 0 (k6 … k1), m = 5/6, s = 0.983 < √1 → σ = 1, threshold = 5/6 + 3 =
//	   3.8333 (23/6); 6 > 5/6 + 5 → red. blank category: 1 0 2 0 1 0, m = 4/6, threshold
//	   4/6 + 3 = 3.6667, red. Category c has 0 in the alert week: no alert.
//	U5 collective visits (visit, headcount 5): 2 in the alert week (Jan 1), 1 in k2 (Dec 18)
//	   → a collective alert (count 2, threshold 2); its total 3 < min_count.
//
// So three alerts, each with 7 weeks (k = 0 … 6): 21 rows.
func TestAlertSeries(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "Z"}, U{ID: "U1"}, U{ID: "U5"})
	f.add(P{ID: "z", Unit: "Z", Received: "2024-11-18"})
	addWeekN(f, 1, "U1", "2024-11-20", "", "", "")
	addWeekN(f, 2, "U1", "2024-12-04", "", "", "")
	addWeekN(f, 1, "U1", "2024-12-18", "", "", "")
	addWeekN(f, 1, "U1", "2024-12-18", "c", "", "")
	addWeekN(f, 6, "U1", "2025-01-02", "", "", "")
	addWeekN(f, 1, "U1", "2025-01-06", "", "", "")
	addWeekN(f, 2, "U5", "2025-01-01", "", "visit", "5")
	addWeekN(f, 1, "U5", "2024-12-18", "", "visit", "5")
	f.build("2025-01-07")
	f.eqInt(3, "SELECT count(*) FROM mart.alerts")
	f.eqInt(21, "SELECT count(*) FROM mart.alert_series")
	f.eqInt(0, "SELECT count(*) FROM mart.alert_series WHERE week_start < DATE '2024-11-18' OR week_start > DATE '2024-12-30'")
	f.eqInt(3, "SELECT count(DISTINCT (unit_id, kind, category)) FROM mart.alert_series")
	f.eqStr("2024-12-30", "SELECT DISTINCT CAST(alert_week_start AS VARCHAR) FROM mart.alert_series")
	series := func(unit, kind, catCond string) string {
		return " FROM mart.alert_series WHERE unit_id = '" + unit + "' AND kind = '" + kind + "' AND " + catCond
	}
	for _, tc := range []struct {
		q    string
		want []int64 // k = 0 … 6
	}{
		{series("U1", "total", "category IS NULL"), []int64{6, 0, 2, 0, 2, 0, 1}},
		{series("U1", "category", "category IS NULL"), []int64{6, 0, 1, 0, 2, 0, 1}},
		{series("U5", "collective", "category IS NULL"), []int64{2, 0, 1, 0, 0, 0, 0}},
	} {
		for k, want := range tc.want {
			f.eqInt(want, `SELECT "count"`+tc.q+" AND k = ?", k)
		}
	}
	f.eqInt(6, "SELECT count(*)"+series("U1", "total", "in_baseline"))
	f.eqInt(0, "SELECT count(*)"+series("U1", "total", "in_baseline AND k = 0"))
	f.eqInt(0, "SELECT count(*)"+series("U5", "collective", "in_baseline"))
	f.eqFloat(23.0/6, "SELECT DISTINCT threshold"+series("U1", "total", "true"))
	f.eqFloat(4.0/6+3, "SELECT DISTINCT threshold"+series("U1", "category", "true"))
	f.eqFloat(2, "SELECT DISTINCT threshold"+series("U5", "collective", "true"))
	// The alert's own count is the series' k = 0 count.
	f.eqInt(0, `SELECT count(*) FROM mart.alerts a JOIN mart.alert_series s
		ON s.unit_id = a.unit_id AND s.kind = a.kind AND s.category IS NOT DISTINCT FROM a.category AND s.k = 0
		WHERE s."count" <> a."count"`)
}
