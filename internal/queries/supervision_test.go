package queries_test

import "testing"

// Listed supervision, leader-owned cases, mass incidents and traced faults (SPEC §4), by
// received period, as of 2024-06-30, deadlines received + 60.
//
//	s1 listed, rec Jan 10, closed Feb 1                    listed, closed
//	s2 listed, rec Jan 15 → Mar 15, open                   listed, overdue
//	s3 listed, rec Jun 1 → Jul 31, open                    listed, neither closed nor overdue
//	s4 leader 张, rec Jan 20 → Mar 20, open                 leader-owned, overdue
//	s5 leader "  " (blank), rec Jan 20                     not leader-owned
//	s6 leader 张, rec Jan 21, closed Jul 2 (after as_of) → open as of as_of, overdue
//	s7 mass incident and traced fault, rec Feb 10
func TestSupervision(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "s1", Unit: "A", Received: "2024-01-10", Listed: "true", Closed: "2024-02-01"},
		P{ID: "s2", Unit: "A", Received: "2024-01-15", Listed: "true"},
		P{ID: "s3", Unit: "A", Received: "2024-06-01", Listed: "true"},
		P{ID: "s4", Unit: "A", Received: "2024-01-20", Listed: "false", Leader: "张"},
		P{ID: "s5", Unit: "A", Received: "2024-01-20", Leader: "  "},
		P{ID: "s6", Unit: "A", Received: "2024-01-21", Leader: "张", Closed: "2024-07-02"},
		P{ID: "s7", Unit: "A", Received: "2024-02-10", Mass: "true", Traced: "true"},
	)
	f.build("2024-06-30")
	row := func(p string) string { return " FROM mart.supervision WHERE " + key("A", false, p) }
	// January: listed s1 s2 = 2, closed s1, overdue s2; leader-owned s4 s6 = 2, closed 0, overdue 2.
	f.eqInt(2, "SELECT listed"+row("2024-01"))
	f.eqInt(1, "SELECT listed_closed"+row("2024-01"))
	f.eqInt(1, "SELECT listed_overdue"+row("2024-01"))
	f.eqInt(2, "SELECT leader_owned"+row("2024-01"))
	f.eqInt(0, "SELECT leader_owned_closed"+row("2024-01"))
	f.eqInt(2, "SELECT leader_owned_overdue"+row("2024-01"))
	// June: s3 only; its deadline Jul 31 is not past.
	f.eqInt(1, "SELECT listed"+row("2024-06"))
	f.eqInt(0, "SELECT listed_overdue"+row("2024-06"))
	// February: s7.
	f.eqInt(1, "SELECT mass_incidents"+row("2024-02"))
	f.eqInt(1, "SELECT traced_faults"+row("2024-02"))
	// Year: listed 3, closed 1, overdue 1; mass 1.
	f.eqInt(3, "SELECT listed"+row("2024"))
	f.eqInt(1, "SELECT listed_closed"+row("2024"))
	f.eqInt(1, "SELECT listed_overdue"+row("2024"))
	f.eqInt(1, "SELECT mass_incidents"+row("2024"))

	// Not tracked: no source maps mass_incident or leader_owner → those columns NULL,
	// the others still counted.
	g := newFixture(t)
	g.units(U{ID: "A"})
	g.sourceExcept("s1", "mass_incident", "leader_owner")
	g.add(P{ID: "1", Unit: "A", Received: "2024-01-10", Listed: "true", Traced: "true"})
	g.build("2024-06-30")
	q := " FROM mart.supervision WHERE " + key("A", false, "2024-01")
	g.eqNull("SELECT mass_incidents" + q)
	g.eqNull("SELECT leader_owned" + q)
	g.eqNull("SELECT leader_owned_overdue" + q)
	g.eqInt(1, "SELECT listed"+q)
	g.eqInt(1, "SELECT traced_faults"+q)
}
