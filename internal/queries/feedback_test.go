package queries_test

import "testing"

// Feedback to higher levels (SPEC §4), feedback_days 60, as of 2024-06-30.
//
//	f1 transferred rec Jan 10 → Mar 10 (default 60 days), feedback Mar 10   on time
//	f2 assigned    rec Jan 10 → Mar 10, feedback Mar 11                      late
//	f3 supervised  feedback_due Feb 15 given, feedback Feb 20                late (February)
//	f4 supervised  feedback_due Feb 15, feedback Feb 15                      on time
//	f5 self        not forwarded: left out
//	f6 source_type blank: left out
//	f7 transferred rec May 10 → Jul 9: after as_of, not yet due
//	f8 transferred rec Jan 10 → Mar 10, feedback Jul 1 (after as_of)         not on time
//
// March: due 3 (f1 f2 f8), on time 1 → 1/3. February: 2, 1 → 0.5. Q1: 5, 2 → 0.4.
func TestFeedback(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "f1", Unit: "A", Received: "2024-01-10", SourceType: "transferred", FeedbackAt: "2024-03-10"},
		P{ID: "f2", Unit: "A", Received: "2024-01-10", SourceType: "assigned", FeedbackAt: "2024-03-11"},
		P{ID: "f3", Unit: "A", Received: "2024-01-10", SourceType: "supervised", FeedbackDue: "2024-02-15", FeedbackAt: "2024-02-20"},
		P{ID: "f4", Unit: "A", Received: "2024-01-10", SourceType: "supervised", FeedbackDue: "2024-02-15", FeedbackAt: "2024-02-15"},
		P{ID: "f5", Unit: "A", Received: "2024-01-10", SourceType: "self", FeedbackAt: "2024-01-11"},
		P{ID: "f6", Unit: "A", Received: "2024-01-10"},
		P{ID: "f7", Unit: "A", Received: "2024-05-10", SourceType: "transferred"},
		P{ID: "f8", Unit: "A", Received: "2024-01-10", SourceType: "transferred", FeedbackAt: "2024-07-01"},
	)
	f.build("2024-06-30")
	row := func(p string) string { return " FROM mart.feedback WHERE " + key("A", false, p) }
	f.eqInt(3, "SELECT feedback_due"+row("2024-03"))
	f.eqInt(1, "SELECT feedback_on_time"+row("2024-03"))
	f.eqFloat(1.0/3.0, "SELECT feedback_rate"+row("2024-03"))
	f.eqInt(2, "SELECT feedback_due"+row("2024-02"))
	f.eqFloat(0.5, "SELECT feedback_rate"+row("2024-02"))
	f.eqInt(5, "SELECT feedback_due"+row("2024-Q1"))
	f.eqFloat(0.4, "SELECT feedback_rate"+row("2024-Q1"))
	f.eqInt(0, "SELECT feedback_due"+row("2024-Q2"))
	f.eqNull("SELECT feedback_rate" + row("2024-Q2"))

	// source_type not mapped by any source: NULL, even though feedback_at is.
	g := newFixture(t)
	g.units(U{ID: "A"})
	g.sourceExcept("s1", "source_type")
	g.add(P{ID: "1", Unit: "A", Received: "2024-01-10", FeedbackAt: "2024-02-01"})
	g.build("2024-06-30")
	g.eqNull("SELECT feedback_due FROM mart.feedback WHERE " + key("A", false, "2024-03"))
	g.eqNull("SELECT feedback_rate FROM mart.feedback WHERE " + key("A", false, "2024-03"))
}
