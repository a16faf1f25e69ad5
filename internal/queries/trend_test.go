package queries_test

import (
	"fmt"
	"math"
	"testing"
)

// addSeries adds, for unit u, counts[y][m] records in month m+1 of year y0+y (on the 10th).
func addSeries(f *fixture, u string, y0 int, counts [][12]int) {
	for y, row := range counts {
		for m, n := range row {
			for i := 0; i < n; i++ {
				f.add(P{ID: fmt.Sprintf("%s-%d-%02d-%d", u, y0+y, m+1, i), Unit: u, Received: fmt.Sprintf("%d-%02d-10", y0+y, m+1)})
			}
		}
	}
}

func tr(col, unit string, rollup bool) string {
	return fmt.Sprintf("SELECT %s FROM mart.trend WHERE unit_id = '%s' AND rollup = %v", col, unit, rollup)
}

func TestTrendSeasonalKendall(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "D"}, U{ID: "F"}, U{ID: "R"}, U{ID: "Z"})
	// D, per calendar month over 2021, 2022, 2023: Jan..Oct 3,2,1; Nov 2,2,1; Dec 1,1,1.
	d := [][12]int{{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1}, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}
	addSeries(f, "D", 2021, d)
	// F: Jan 5,4,3; Feb 5,5,3; Mar 2,4,6; Apr..Dec 1,1,1.
	fl := [][12]int{{5, 5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {4, 5, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 3, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1}}
	addSeries(f, "F", 2021, fl)
	// R: every month 1, 2, 3.
	addSeries(f, "R", 2021, [][12]int{{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}})
	// Z: one record in June 2023 only; its months still count from the data set's first month.
	f.add(P{ID: "z1", Unit: "Z", Received: "2023-06-10"})
	// January 2024 is partial at as_of 2024-01-15: not in the test window nor in ttm.
	f.add(P{ID: "d-late", Unit: "D", Received: "2024-01-05"})
	f.build("2024-01-15")

	// D: Jan..Oct each S = sign(2-3)+sign(1-3)+sign(1-2) = -3, no ties, Var = 3*2*11/18 = 66/18.
	// Nov: S = 0 - 1 - 1 = -2, one tie group t=2: Var = 66/18 - 2*1*9/18 = 48/18.
	// Dec: S = 0, all three tied: Var = 66/18 - 66/18 = 0.
	// S = -30 - 2 = -32; Var = (660 + 48)/18 = 708/18; Z = (S + 1)/sqrt(Var) = -31/sqrt(39.333) = -4.943.
	f.eqInt(-32, tr("mk_s", "D", false))
	f.eqFloat(708.0/18, tr("mk_var", "D", false))
	f.eqFloat(-31/math.Sqrt(708.0/18), tr("mk_z", "D", false))
	f.eqStr("declining", tr("label", "D", false))
	f.eqInt(36, tr("months", "D", false))
	// Sen: Jan..Oct slopes -1, -2/2, -1 (30 x -1); Nov 0, -0.5, -1; Dec 0, 0, 0. Sorted 36:
	// 31 x -1, -0.5, 4 x 0: the 18th and 19th are -1 -> -1 per year, -12 annual.
	f.eqFloat(-1, tr("sens_slope", "D", false))
	f.eqFloat(-12, tr("sens_slope_annual", "D", false))
	// ttm = 2023 = 12 x 1 = 12; prev = 2022 = 11 x 2 + 1 = 23; (12 - 23)/23*100 = -47.826...
	f.eqInt(12, tr("ttm", "D", false))
	f.eqInt(23, tr("prev_ttm", "D", false))
	f.eqFloat(-1100.0/23, tr("ttm_change_pct", "D", false))

	// F: Jan S = -3 (Var 66/18); Feb 5,5,3: S = 0 - 1 - 1 = -2 (Var 48/18); Mar 2,4,6: +3
	// (66/18); Apr..Dec all tied: 0 (Var 0). S = -2, Var = 180/18 = 10,
	// Z = (-2 + 1)/sqrt(10) = -0.316: flat. Sen: Jan -1,-1,-1; Feb 0,-1,-2; Mar 2,2,2;
	// 27 zeros: sorted -2, 4 x -1, 28 x 0, 3 x 2: 18th, 19th = 0.
	f.eqInt(-2, tr("mk_s", "F", false))
	f.eqFloat(10, tr("mk_var", "F", false))
	f.eqFloat(-1/math.Sqrt(10), tr("mk_z", "F", false))
	f.eqStr("flat", tr("label", "F", false))
	f.eqFloat(0, tr("sens_slope", "F", false))

	// R: 12 months x S = +3, Var 12 x 66/18 = 44: Z = 35/sqrt(44) = 5.276: rising; slope 1.
	f.eqStr("rising", tr("label", "R", false))
	f.eqFloat(35/math.Sqrt(44), tr("mk_z", "R", false))
	f.eqFloat(1, tr("sens_slope", "R", false))

	// Z: months count from 2021-01 (the data set), so 36 months: June 0,0,1: S = 2, one tie
	// group of 2: Var = 48/18; other months all 0: Var 0. Z = (2 - 1)/sqrt(48/18) = 0.612: flat.
	f.eqInt(36, tr("months", "Z", false))
	f.eqInt(2, tr("mk_s", "Z", false))
	f.eqFloat(1/math.Sqrt(48.0/18), tr("mk_z", "Z", false))
	f.eqStr("flat", tr("label", "Z", false))
	// ttm 1, prev 0 -> change NULL.
	f.eqInt(1, tr("ttm", "Z", false))
	f.eqNull(tr("ttm_change_pct", "Z", false))
	// One row per (unit, rollup) and ALL: 4 x 2 + 1.
	f.eqInt(9, "SELECT count(*) FROM mart.trend")
	f.eqStr("2024-01-15", "SELECT as_of::VARCHAR FROM mart.trend WHERE unit_id = 'ALL'")
}

func TestTrendInsufficient(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	// 23 complete months 2022-02 .. 2023-12, one record each, plus 2 in Dec 2023.
	for m := 0; m < 23; m++ {
		y, mo := 2022+(m+1)/12, (m+1)%12+1
		f.add(P{ID: fmt.Sprint("a", m), Unit: "A", Received: fmt.Sprintf("%d-%02d-03", y, mo)})
	}
	f.add(P{ID: "extra", Unit: "A", Received: "2023-12-20"})
	f.build("2023-12-31")
	f.eqStr("insufficient", tr("label", "A", true))
	f.eqInt(23, tr("months", "A", false))
	f.eqNull(tr("mk_s", "A", false))
	f.eqNull(tr("mk_z", "A", false))
	f.eqNull(tr("sens_slope", "A", false))
	// ttm = 2023-01 .. 2023-12 = 12 + 1 extra = 13; the 12 before reach back only 11 months:
	// prev_ttm NULL, change NULL.
	f.eqInt(13, tr("ttm", "A", false))
	f.eqNull(tr("prev_ttm", "A", false))
	f.eqNull(tr("ttm_change_pct", "A", false))
}
