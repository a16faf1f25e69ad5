package queries_test

import (
	"fmt"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// 116_inspection_priority.sql, by hand. min_n 2; trend_min_months 36 so that every
// verdict is 'insufficient' and "rising" is decided by the last-12-month change alone.
// The data start in 2022-04, so at as-of 2024-03-31 ttm = 2023-04…2024-03 and
// prev_ttm = 2022-04…2023-03. Q1 2024 (handling deadlines set by due_at 2024-02-15):
//
//	A: prev 1, Q1 2 records of one petitioner (1 repeat), 1 closed on time, 1 open:
//	   on-time 1/2, repeat 1/2, ttm 2 vs 1 -> +100 % (rising)
//	B: prev 1, Q1 2 petitioners, both on time: on-time 1, repeat 0, rising
//	C: prev 4, Q1 2 petitioners, both on time: on-time 1, repeat 0, −50 % (not rising)
//	D: prev 1, Q1 3 records of one petitioner (2 repeats), all open: on-time 0, repeat 2/3, rising
//	E: Q1 1 record only: below min_n for both rates; no prior volume, so no change
//
// On-time rates [0, .5, 1, 1]: p25 at 3·.25 = .75 -> 0 + .75·.5 = .375 (D is at or below).
// Repeat rates [0, 0, .5, 2/3]: p75 at 2.25 -> .5 + .25·(2/3 − .5) = .541666… (D is at or above).
// Listed: D only (A and B rise but are in neither tail; C does not rise).
func TestInspectionPriority(t *testing.T) {
	f := newFixture(t)
	f.cfg.Appraisal.MinN = 2
	f.cfg.Metrics.TrendMinMonths, f.cfg.Metrics.TrendMonths = 36, 36
	f.units(U{ID: "A"}, U{ID: "B"}, U{ID: "C"}, U{ID: "D"}, U{ID: "E"})
	due := func(id, unit, petitioner, closed string) P {
		return P{ID: id, Unit: unit, Received: "2024-01-10", Petitioner: petitioner, DueAt: "2024-02-15", Closed: closed}
	}
	f.add(
		P{ID: "d0", Unit: "D", Received: "2022-04-05"},
		P{ID: "a0", Unit: "A", Received: "2022-06-05"}, P{ID: "b0", Unit: "B", Received: "2022-06-05"},
		P{ID: "c0", Unit: "C", Received: "2022-06-05"}, P{ID: "c00", Unit: "C", Received: "2022-06-06"},
		P{ID: "c000", Unit: "C", Received: "2022-06-07"}, P{ID: "c0000", Unit: "C", Received: "2022-06-08"},
		due("a1", "A", "a", "2024-02-01"), due("a2", "A", "a", ""),
		due("b1", "B", "b1", "2024-02-01"), due("b2", "B", "b2", "2024-02-01"),
		due("c1", "C", "c1", "2024-02-01"), due("c2", "C", "c2", "2024-02-01"),
		due("d1", "D", "d", ""), due("d2", "D", "d", ""), due("d3", "D", "d", ""),
		due("e1", "E", "e", ""),
	)
	f.build("2024-03-31")
	q := func(col, unit string) string {
		return "SELECT " + col + " FROM mart.inspection_priority WHERE period = '2024-Q1' AND unit_id = '" + unit + "'"
	}
	f.eqFloat(0.375, q("on_time_cut", "A"))
	f.eqFloat(0.5+0.25*(2.0/3-0.5), q("repeat_cut", "A"))
	f.eqStr("D", "SELECT string_agg(unit_id, ',' ORDER BY unit_id) FROM mart.inspection_priority WHERE period = '2024-Q1' AND priority")
	f.eqStr("A,B,D", "SELECT string_agg(unit_id, ',' ORDER BY unit_id) FROM mart.inspection_priority WHERE period = '2024-Q1' AND rising")
	f.eqInt(1, q("low_on_time::INT", "D"))
	f.eqInt(1, q("high_repeat::INT", "D"))
	f.eqFloat(0.5, q("on_time_rate", "A"))
	f.eqNull(q("on_time_rate", "E"))
	f.eqNull(q("repeat_rate", "E"))
	f.eqFloat(100, q("ttm_change_pct", "A"))
}

// 117_moving_average.sql, by hand: unit A has k records in month k of 2023 (78 in all)
// and none in January 2024. ma12 is NULL through 2023-11 (fewer than 12 months),
// 78/12 = 6.5 at 2023-12 and (78 − 1 + 0)/12 at 2024-01.
func TestVolumeMovingAverage(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	n := 0
	for m := 1; m <= 12; m++ {
		for k := 0; k < m; k++ {
			n++
			f.add(P{ID: fmt.Sprint(n), Unit: "A", Received: fmt.Sprintf("2023-%02d-%02d", m, k+1)})
		}
	}
	f.build("2024-01-31")
	q := func(period string) string {
		return "SELECT ma12 FROM mart.volume_moving_average WHERE " + key("A", false, period)
	}
	f.eqNull(q("2023-11"))
	f.eqFloat(6.5, q("2023-12"))
	f.eqFloat(77.0/12, q("2024-01"))
	f.eqFloat(77.0/12, "SELECT ma12 FROM mart.volume_moving_average WHERE "+key("ALL", true, "2024-01"))
}

// 117_moving_average.sql, by hand: the same data as of 2024-01-15, so January 2024 is the
// partial as-of month: it has no average (half a month of data would pull the line down),
// while 2023-12 keeps its 78/12 = 6.5 over complete months.
func TestVolumeMovingAverageSkipsPartialMonth(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	n := 0
	for m := 1; m <= 12; m++ {
		for k := 0; k < m; k++ {
			n++
			f.add(P{ID: fmt.Sprint(n), Unit: "A", Received: fmt.Sprintf("2023-%02d-%02d", m, k+1)})
		}
	}
	f.add(P{ID: "jan", Unit: "A", Received: "2024-01-02"})
	f.build("2024-01-15")
	q := func(period string) string {
		return "SELECT ma12 FROM mart.volume_moving_average WHERE " + key("A", false, period)
	}
	f.eqFloat(6.5, q("2023-12"))
	f.eqNull(q("2024-01"))
	f.eqInt(1, "SELECT petitions FROM mart.volume_moving_average WHERE "+key("A", false, "2024-01"))
}

// 118_appraisal_peer_median.sql, by hand: on_time_rate only, min_n 1, Q1 2024 deadlines.
// city/bureau: A 1 of 2 on time (50 %), B 2 of 2 (100 %), C 0 of 1 (0 %), E nothing due
// (not available, left out): median of [0, 50, 100] = 50 over n = 3.
// facility/prison: D 1 of 1 (100 %): median 100, n = 1.
func TestAppraisalPeerMedian(t *testing.T) {
	f := newFixture(t)
	f.cfg.Appraisal.MinN = 1
	for _, in := range f.cfg.Appraisal.Indicators {
		if in.ID == "on_time_rate" {
			f.cfg.Appraisal.Indicators = f.cfg.Appraisal.Indicators[:0]
			f.cfg.Appraisal.Indicators = append(f.cfg.Appraisal.Indicators, in)
			break
		}
	}
	f.units(U{ID: "A"}, U{ID: "B"}, U{ID: "C"}, U{ID: "E"}, U{ID: "D", Level: "facility", Sector: "prison"})
	due := func(id, unit, closed string) P {
		return P{ID: id, Unit: unit, Received: "2024-01-10", DueAt: "2024-02-15", Closed: closed}
	}
	f.add(due("a1", "A", "2024-02-01"), due("a2", "A", ""), due("b1", "B", "2024-02-01"), due("b2", "B", "2024-02-10"),
		due("c1", "C", ""), due("d1", "D", "2024-02-01"),
		P{ID: "e1", Unit: "E", Received: "2024-03-20", Closed: "2024-03-25"})
	f.build("2024-03-31")
	q := func(col, group string) string {
		return "SELECT " + col + " FROM mart.appraisal_peer_median WHERE peer_group = '" + group +
			"' AND period_type = 'quarter' AND period = '2024-Q1' AND indicator = 'on_time_rate'"
	}
	f.eqFloat(50, q("p50", "bureau/city"))
	f.eqInt(3, q("n", "bureau/city"))
	f.eqFloat(100, q("p50", "prison/facility"))
	f.eqInt(1, q("n", "prison/facility"))
}

// 119_recent_lists.sql, by hand, as of 2024-06-30 (window: after 2023-06-30).
// A, petitioner p: 2023-06-01 (first), 2023-07-01 and 2024-01-01 (repeats, in the window)
// -> 2 repeats, last 2024-01-01. A, petitioner q: 2023-03-01, 2023-05-01 (a repeat before
// the window) -> no row. B, petitioner r: r1 2023-04-01 closed 2023-05-01, r2 2023-06-01
// closed 2023-08-01, r3 2023-09-01: r2 and r3 repeat, only r3 in the window -> 1, last
// 2023-09-01; r1 and r2 are not ceased (r2, r3 came back within 180 days), only r2's
// closure is in the window.
func TestRecentLists(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		P{ID: "p1", Unit: "A", Received: "2023-06-01", Petitioner: "p"},
		P{ID: "p2", Unit: "A", Received: "2023-07-01", Petitioner: "p"},
		P{ID: "p3", Unit: "A", Received: "2024-01-01", Petitioner: "p"},
		P{ID: "q1", Unit: "A", Received: "2023-03-01", Petitioner: "q"},
		P{ID: "q2", Unit: "A", Received: "2023-05-01", Petitioner: "q"},
		P{ID: "r1", Unit: "B", Received: "2023-04-01", Petitioner: "r", Closed: "2023-05-01"},
		P{ID: "r2", Unit: "B", Received: "2023-06-01", Petitioner: "r", Closed: "2023-08-01"},
		P{ID: "r3", Unit: "B", Received: "2023-09-01", Petitioner: "r"},
	)
	f.build("2024-06-30")
	f.eqInt(2, "SELECT repeats FROM mart.recent_repeaters WHERE unit_id = 'A' AND petitioner_id = 'p'")
	f.eqStr("2024-01-01", "SELECT last_received::VARCHAR FROM mart.recent_repeaters WHERE unit_id = 'A' AND petitioner_id = 'p'")
	f.eqInt(0, "SELECT count(*) FROM mart.recent_repeaters WHERE petitioner_id = 'q'")
	f.eqInt(1, "SELECT repeats FROM mart.recent_repeaters WHERE unit_id = 'B' AND petitioner_id = 'r'")
	f.eqStr("r2", "SELECT string_agg(petition_id, ',') FROM mart.recent_not_ceased")
}

// 121_commendation.sql, by hand: on_time_rate only (w 100, t 100, k 1), min_n 1, so the
// score is the on-time percentage of Q1 2024 (received Jan 10, deadline Mar 10); grades are
// the defaults (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60) and commend_min_grade is 良好 unless set.
// prison/facility: U1 2 of 2 = 100 but a mass incident (veto); U2 and U3 4 of 5 = 80 (良好);
// U4 1 of 4 = 25 -> candidates U2 and U3 (a tie, both listed).
// bureau/city: U6 0 of 1 = 0, U7 1 of 1 = 100 with a mass incident -> none: the best
// eligible score, 0, is 不合格.
// rehab/facility: U9 7 of 10 = 70 (合格), U10 5 of 10 = 50 -> none at 良好; U9 when the
// floor is 合格.
// bureau/county: U8 1 of 1 = 100 (优秀) but alone in its group -> never a candidate.
func TestCommendationCandidates(t *testing.T) {
	build := func(floor string) *fixture {
		f := newFixture(t)
		f.cfg.Appraisal.Indicators = []config.Indicator{{ID: "on_time_rate", Weight: 100, Target: 100, Direction: "higher", K: 1}}
		f.cfg.Appraisal.MinN = 1
		f.cfg.Appraisal.CommendMinGrade = floor
		pf := func(id string) U { return U{ID: id, Sector: "prison", Level: "facility"} }
		rf := func(id string) U { return U{ID: id, Sector: "rehab", Level: "facility"} }
		f.units(pf("U1"), pf("U2"), pf("U3"), pf("U4"), U{ID: "U6"}, U{ID: "U7"}, U{ID: "U8", Level: "county"}, rf("U9"), rf("U10"))
		n := 0
		add := func(unit string, closed, open int, mass bool) {
			for i := 0; i < closed+open; i++ {
				n++
				p := P{ID: fmt.Sprintf("x%d", n), Unit: unit, Received: "2024-01-10"}
				if i < closed {
					p.Closed = "2024-03-01"
				}
				if mass && i == 0 {
					p.Mass = "true"
				}
				f.add(p)
			}
		}
		add("U1", 2, 0, true)
		add("U2", 4, 1, false)
		add("U3", 4, 1, false)
		add("U4", 1, 3, false)
		add("U6", 0, 1, false)
		add("U7", 1, 0, true)
		add("U8", 1, 0, false)
		add("U9", 7, 3, false)
		add("U10", 5, 5, false)
		f.build("2024-06-30")
		return f
	}
	const list = `SELECT coalesce(string_agg(peer_group || ':' || unit_id, ',' ORDER BY peer_group, unit_id), '')
		 FROM mart.commendation_candidates WHERE period_type = 'quarter' AND period = '2024-Q1'`
	f := build("良好")
	f.eqStr("prison/facility:U2,prison/facility:U3", list)
	f.eqFloat(80, `SELECT score FROM mart.commendation_candidates WHERE period = '2024-Q1' AND unit_id = 'U2'`)
	f.eqFloat(100, `SELECT score FROM mart.appraisal WHERE period = '2024-Q1' AND unit_id = 'U8'`)
	f.eqStr("合格", `SELECT final_grade FROM mart.appraisal WHERE period = '2024-Q1' AND unit_id = 'U9'`)
	f = build("合格")
	f.eqStr("prison/facility:U2,prison/facility:U3,rehab/facility:U9", list)
}

// 122_veto_handler_units.sql, by hand: handler h has 2 records at A and 1 at B (latest
// 2024-03-01), k 1 at A; a record without a handler counts for nobody.
func TestVetoHandlerUnits(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		P{ID: "1", Unit: "A", Received: "2024-01-05", Handler: "h"},
		P{ID: "2", Unit: "A", Received: "2024-02-05", Handler: "h"},
		P{ID: "3", Unit: "B", Received: "2024-03-01", Handler: "h"},
		P{ID: "4", Unit: "A", Received: "2024-03-02", Handler: "k"},
		P{ID: "5", Unit: "B", Received: "2024-03-03"},
	)
	f.build("2024-06-30")
	f.eqStr("h:A:2,h:B:1,k:A:1", `SELECT string_agg(handler_id || ':' || unit_id || ':' || records, ',' ORDER BY handler_id, unit_id) FROM mart.veto_handler_units`)
	f.eqStr("2024-03-01", `SELECT last_received::VARCHAR FROM mart.veto_handler_units WHERE handler_id = 'h' AND unit_id = 'B'`)
}
