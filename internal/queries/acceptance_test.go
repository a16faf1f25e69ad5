package queries_test

import "testing"

// Acceptance timeliness (SPEC §4), accept_days 15, as of 2024-06-30.
//
//	a1 rec Mar 1 → deadline Mar 16, accepted Mar 16 (deadline day)  on time
//	a2 rec Mar 1 → Mar 16, accepted Mar 17                         late
//	a3 rec Mar 1 → Mar 16, never accepted (blank)                  not on time, still counted
//	a4 rec Mar 20 → Apr 4, accepted Mar 25                         on time (April)
//	a5 rec Jun 20 → Jul 5: after as_of, not yet due
//	a6 rec Mar 1 → Mar 16, accepted Jul 1 (after as_of)            not accepted as of as_of
//	a7 source s2 does not map accepted_at: left out
//
// March: accept_due 4 (a1 a2 a3 a6), on time 1 → 0.25. April: 1 of 1. Q1 = March.
func TestAcceptance(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.sourceExcept("s2", "accepted_at")
	f.add(
		P{ID: "a1", Unit: "A", Received: "2024-03-01 23:59:00", AcceptedAt: "2024-03-16"},
		P{ID: "a2", Unit: "A", Received: "2024-03-01", AcceptedAt: "2024-03-17"},
		P{ID: "a3", Unit: "A", Received: "2024-03-01"},
		P{ID: "a4", Unit: "A", Received: "2024-03-20", AcceptedAt: "2024-03-25"},
		P{ID: "a5", Unit: "A", Received: "2024-06-20"},
		P{ID: "a6", Unit: "A", Received: "2024-03-01", AcceptedAt: "2024-07-01"},
		P{Source: "s2", ID: "a7", Unit: "A", Received: "2024-03-01"},
	)
	f.build("2024-06-30")
	row := func(p string) string { return " FROM mart.acceptance WHERE " + key("A", false, p) }
	f.eqInt(4, "SELECT accept_due"+row("2024-03"))
	f.eqInt(1, "SELECT accepted_on_time"+row("2024-03"))
	f.eqFloat(0.25, "SELECT acceptance_rate"+row("2024-03"))
	f.eqInt(1, "SELECT accept_due"+row("2024-04"))
	f.eqFloat(1, "SELECT acceptance_rate"+row("2024-04"))
	f.eqInt(0, "SELECT accept_due"+row("2024-06"))
	f.eqNull("SELECT acceptance_rate" + row("2024-06"))
	f.eqInt(4, "SELECT accept_due"+row("2024-Q1"))
	// Year: 5 due, 2 on time → 0.4; ALL the same (one unit).
	f.eqFloat(0.4, "SELECT acceptance_rate"+row("2024"))
	f.eqFloat(0.4, "SELECT acceptance_rate FROM mart.acceptance WHERE "+key("ALL", true, "2024"))

	// No source maps accepted_at: NULL everywhere.
	g := newFixture(t)
	g.units(U{ID: "A"})
	g.sourceExcept("s1", "accepted_at")
	g.add(P{ID: "1", Unit: "A", Received: "2024-03-01"})
	g.build("2024-06-30")
	g.eqNull("SELECT accept_due FROM mart.acceptance WHERE " + key("A", false, "2024-03"))
	g.eqNull("SELECT acceptance_rate FROM mart.acceptance WHERE " + key("A", false, "2024-03"))
	g.eqInt(0, "SELECT count(*) FROM mart.acceptance WHERE accept_due IS NOT NULL OR accepted_on_time IS NOT NULL")
}
