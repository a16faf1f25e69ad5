package queries_test

import (
	"fmt"
	"testing"
)

// Medians of rollups (cohort §11, timeliness §4), which 050 and 150 roll up through the unit
// tree level by level: a tree of depth 2 and a parent cycle (whose rollups cover every unit
// whose chain of parents meets it, as mart.unit_scope says).
// Units: R root, M child of R, L1 and L2 children of M; C1 and C2 each other's parent, K a
// child of C1. Every record is received 2024-01-01 and closed in January, after d days:
//
//	L1: 1, 3   L2: 5   M: 20   R: none   C1: 2   C2: 4   K: 9
//
//	L1 (own = rollup): {1, 3}: median 2, p90 the ⌈1.8⌉ = 2nd = 3.
//	M own {20}: 20. M rollup {1, 3, 5, 20}: median (3 + 5)/2 = 4, p90 the ⌈3.6⌉ = 4th = 20.
//	R own: none (NULL); R rollup = M rollup: 4 and 20.
//	C1 rollup: the units whose chain of parents meets C1 — C1, C2 (C2 → C1) and K — {2, 4, 9}:
//	  median 4, p90 the ⌈2.7⌉ = 3rd = 9; C2 rollup the same; C1 own {2}: 2.
//	ALL {1, 2, 3, 4, 5, 9, 20}: median the 4th = 4, p90 the ⌈6.3⌉ = 7th = 20.
//
// Quarter 2024-Q1 holds the same records as month 2024-01.
func TestMedianRollupTreeAndCycle(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "R"}, U{ID: "M", Parent: "R"}, U{ID: "L1", Parent: "M"}, U{ID: "L2", Parent: "M"},
		U{ID: "C1", Parent: "C2"}, U{ID: "C2", Parent: "C1"}, U{ID: "K", Parent: "C1"})
	days := map[string][]int{"L1": {1, 3}, "L2": {5}, "M": {20}, "C1": {2}, "C2": {4}, "K": {9}}
	for u, ds := range days {
		for i, d := range ds {
			f.add(P{ID: fmt.Sprintf("%s-%d", u, i), Unit: u, Received: "2024-01-01", Closed: fmt.Sprintf("2024-01-%02d", 1+d)})
		}
	}
	f.build("2024-06-30")
	type want struct {
		unit     string
		rollup   bool
		median   any // float64, or nil for NULL
		p90      any // int64, or nil
		received int64
	}
	wants := []want{
		{"L1", false, 2.0, int64(3), 2}, {"L1", true, 2.0, int64(3), 2},
		{"M", false, 20.0, int64(20), 1}, {"M", true, 4.0, int64(20), 4},
		{"R", false, nil, nil, 0}, {"R", true, 4.0, int64(20), 4},
		{"C1", false, 2.0, int64(2), 1}, {"C1", true, 4.0, int64(9), 3}, {"C2", true, 4.0, int64(9), 3},
		{"K", false, 9.0, int64(9), 1},
		{"ALL", true, 4.0, int64(20), 7},
	}
	for _, p := range []string{"2024-01", "2024-Q1"} {
		for _, w := range wants {
			k := key(w.unit, w.rollup, p)
			f.eqInt(w.received, "SELECT received FROM mart.cohort WHERE "+k)
			f.eqInt(w.received, "SELECT closed FROM mart.timeliness WHERE "+k)
			for _, q := range []string{"SELECT median_days_to_close FROM mart.cohort WHERE " + k,
				"SELECT median_handling_days FROM mart.timeliness WHERE " + k} {
				if w.median == nil {
					f.eqNull(q)
				} else {
					f.eqFloat(w.median.(float64), q)
				}
			}
			if w.p90 == nil {
				f.eqNull("SELECT p90_days_to_close FROM mart.cohort WHERE " + k)
			} else {
				f.eqInt(w.p90.(int64), "SELECT p90_days_to_close FROM mart.cohort WHERE "+k)
			}
		}
	}
}
