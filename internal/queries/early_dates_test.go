package queries_test

import "testing"

// Dates before the data's first month but inside its first quarter/year (SPEC §3–4).
// The tables start at the first month of the data (2024-05 here), so the quarter row
// 2024-Q2 (Apr–Jun) and the year row 2024 exist. A handling deadline, a feedback deadline
// or a closure may fall before May — a source's own due_at / feedback_due, or a closure
// dated before receipt — and then it "falls in" 2024-Q2 and 2024, which must count it,
// though there is no 2024-04 month row. As of 2024-06-30, unit A:
//
//	e1 rec May 10, due_at Apr 20, closed May 12         → due Apr 20: late   (handling 2 days)
//	e2 rec May 10, due_at Apr 20, open                  → due Apr 20: overdue
//	e3 rec May 10, closed Apr 28 (before receipt)       → deadline Jul 9 (not yet due);
//	                                                      closed in April: handling −12 days
//	e4 rec May 10, assigned, feedback_due Apr 25, feedback May 1  → feedback due Apr 25, late
//	e5 rec May 10, assigned, feedback_due Mar 31, feedback Mar 30 → due in Q1 (no row) but in
//	                                                      the year 2024: on time
//
// 2024-Q2: due e1 e2 = 2, on_time 0, late 1, overdue 1, rate 0; closed e1 e3 = 2, median
// (2 + −12)/2 = −5; feedback_due e4 = 1, on time 0. Year 2024: the same timeliness;
// feedback_due e4 e5 = 2, on time e5 = 1 → 0.5. Month 2024-05: nothing due; closed e1
// only → median 2.
func TestDatesBeforeFirstMonth(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "e1", Unit: "A", Received: "2024-05-10", DueAt: "2024-04-20", Closed: "2024-05-12 10:00:00"},
		P{ID: "e2", Unit: "A", Received: "2024-05-10", DueAt: "2024-04-20"},
		P{ID: "e3", Unit: "A", Received: "2024-05-10", Closed: "2024-04-28 09:00:00"},
		P{ID: "e4", Unit: "A", Received: "2024-05-10", SourceType: "assigned", FeedbackDue: "2024-04-25", FeedbackAt: "2024-05-01"},
		P{ID: "e5", Unit: "A", Received: "2024-05-10", SourceType: "assigned", FeedbackDue: "2024-03-31", FeedbackAt: "2024-03-30"},
	)
	f.build("2024-06-30")
	fbWant := map[string][2]int64{"2024-Q2": {1, 0}, "2024": {2, 1}}
	for _, p := range []string{"2024-Q2", "2024"} {
		q := " FROM mart.timeliness WHERE " + key("A", false, p)
		f.eqInt(2, "SELECT due"+q)
		f.eqInt(0, "SELECT on_time"+q)
		f.eqInt(1, "SELECT late_closed"+q)
		f.eqInt(1, "SELECT overdue_open"+q)
		f.eqFloat(0, "SELECT on_time_rate"+q)
		f.eqInt(2, "SELECT closed"+q)
		f.eqFloat(-5, "SELECT median_handling_days"+q)
		fb := " FROM mart.feedback WHERE " + key("A", false, p)
		f.eqInt(fbWant[p][0], "SELECT feedback_due"+fb)
		f.eqInt(fbWant[p][1], "SELECT feedback_on_time"+fb)
		f.eqFloat(float64(fbWant[p][1])/float64(fbWant[p][0]), "SELECT feedback_rate"+fb)
	}
	q := " FROM mart.timeliness WHERE " + key("A", false, "2024-05")
	f.eqInt(0, "SELECT due"+q)
	f.eqInt(1, "SELECT closed"+q)
	f.eqFloat(2, "SELECT median_handling_days"+q)
	f.eqInt(0, "SELECT count(*) FROM mart.timeliness WHERE period IN ('2024-04', '2024-Q1')")
	// ALL (rollup) sees the same records.
	f.eqInt(2, "SELECT due FROM mart.timeliness WHERE "+key("ALL", true, "2024-Q2"))
	f.eqInt(2, "SELECT feedback_due FROM mart.feedback WHERE "+key("ALL", true, "2024"))
}
