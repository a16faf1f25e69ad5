package queries_test

import "testing"

// Timeliness, basis due (SPEC §4), as of 2024-06-30, handle_days 60. Units: P with
// children A and B; X is not in the unit table. Deadlines by hand (2024 is a leap year):
//
//	t1 A rec Jan 10 → Mar 10, closed Mar 10 (deadline day)   on time   handling 60 days
//	t2 A rec Jan 10 → Mar 10, closed Mar 11 (the day after)  late      61
//	t3 A rec Jan 10 → Mar 10, open                           overdue
//	t4 A rec Jan 10 → Mar 10, closed Jul 2 (after as_of)     overdue (open as of as_of)
//	t5 A rec May 15 → Jul 14 (after as_of): not yet due; closed May 20             5
//	t6 A rec Feb 1, due_at Mar 31, ext 20 → Mar 31 (no extension), closed Mar 31: on time, 59
//	t7 A rec Jan 20, accepted Jan 25, ext 10 → Jan 25 + 70 = Apr 4, closed Apr 4: on time, 75
//	   (with the received date as base it would be Mar 30 and late)
//	t8 B rec Jan 10 → Mar 10, closed Mar 1: on time, 51
//	t9 X rec Jan 10 → Mar 10, open: overdue (counts in ALL only)
func TestTimelinessDue(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "A", Parent: "P"}, U{ID: "B", Parent: "P"})
	timelinessFixture(f)
	f.build("2024-06-30")
	row := func(u string, rollup bool, p string) string {
		return " FROM mart.timeliness WHERE " + key(u, rollup, p)
	}

	// A, 2024-03: due t1 t2 t3 t4 t6 = 5; on time t1 t6 = 2; late t2 = 1; overdue t3 t4 = 2.
	q := row("A", false, "2024-03")
	f.eqInt(5, "SELECT due"+q)
	f.eqInt(2, "SELECT on_time"+q)
	f.eqInt(1, "SELECT late_closed"+q)
	f.eqInt(2, "SELECT overdue_open"+q)
	f.eqFloat(0.4, "SELECT on_time_rate"+q)
	// closed in March: t1 (60), t2 (61), t6 (59) → 3, median 60.
	f.eqInt(3, "SELECT closed"+q)
	f.eqFloat(60, "SELECT median_handling_days"+q)
	// April: t7 due and on time; May: nothing due (t5's deadline is after as_of); t5 closed.
	f.eqInt(1, "SELECT due"+row("A", false, "2024-04"))
	f.eqFloat(1, "SELECT on_time_rate"+row("A", false, "2024-04"))
	f.eqInt(0, "SELECT due"+row("A", false, "2024-05"))
	f.eqNull("SELECT on_time_rate" + row("A", false, "2024-05"))
	f.eqInt(1, "SELECT closed"+row("A", false, "2024-05"))
	f.eqInt(0, "SELECT count(*) FROM mart.timeliness WHERE period = '2024-07'")
	// Q2: due t7 = 1; closed t7 (75) and t5 (5) → median (5 + 75) / 2 = 40.
	f.eqInt(1, "SELECT due"+row("A", false, "2024-Q2"))
	f.eqFloat(40, "SELECT median_handling_days"+row("A", false, "2024-Q2"))
	// Year 2024: due 6, on time 3 (t1 t6 t7) → 0.5; closed 5: {5, 59, 60, 61, 75} → 60.
	f.eqInt(6, "SELECT due"+row("A", false, "2024"))
	f.eqFloat(0.5, "SELECT on_time_rate"+row("A", false, "2024"))
	f.eqFloat(60, "SELECT median_handling_days"+row("A", false, "2024"))

	// P on its own records: no records → zeros, rate and median NULL (a row, not missing).
	f.eqInt(0, "SELECT due"+row("P", false, "2024-03"))
	f.eqNull("SELECT on_time_rate" + row("P", false, "2024-03"))
	f.eqNull("SELECT median_handling_days" + row("P", false, "2024-03"))
	// P with descendants, March: A's 5 + t8 = 6 due, on time 3 → 0.5; closed handling
	// days {51, 59, 60, 61} → (59 + 60) / 2 = 59.5.
	f.eqInt(6, "SELECT due"+row("P", true, "2024-03"))
	f.eqFloat(0.5, "SELECT on_time_rate"+row("P", true, "2024-03"))
	f.eqFloat(59.5, "SELECT median_handling_days"+row("P", true, "2024-03"))
	// ALL adds the unknown unit's t9: 7 due, 3 on time, overdue 3.
	f.eqInt(7, "SELECT due"+row("ALL", true, "2024-03"))
	f.eqInt(3, "SELECT overdue_open"+row("ALL", true, "2024-03"))
	// Every known unit x rollup x period + ALL: (3 x 2 + 1) x (6 months + 2 quarters + 1 year).
	f.eqInt(63, "SELECT count(*) FROM mart.timeliness")

	// Basis closed: the denominator (column due) is the records closed in the period.
	// A, March: closed t1 t2 t6 = 3; on time t1 t6 = 2 → 2/3; late 1; overdue_open 0.
	f.cfg.Metrics.TimelinessBasis = "closed"
	f.build("2024-06-30")
	q = row("A", false, "2024-03")
	f.eqInt(3, "SELECT due"+q)
	f.eqInt(2, "SELECT on_time"+q)
	f.eqInt(1, "SELECT late_closed"+q)
	f.eqInt(0, "SELECT overdue_open"+q)
	f.eqFloat(2.0/3.0, "SELECT on_time_rate"+q)
	// May: t5 closed May 20 before its Jul 14 deadline: 1 of 1.
	f.eqFloat(1, "SELECT on_time_rate"+row("A", false, "2024-05"))
}

func timelinessFixture(f *fixture) {
	f.t.Helper()
	f.add(
		P{ID: "t1", Unit: "A", Received: "2024-01-10 08:00:00", Closed: "2024-03-10 18:00:00", Petitioner: "pa"},
		P{ID: "t2", Unit: "A", Received: "2024-01-10", Closed: "2024-03-11 09:00:00"},
		P{ID: "t3", Unit: "A", Received: "2024-01-10", Petitioner: "pb", Listed: "true", Leader: "李"},
		P{ID: "t4", Unit: "A", Received: "2024-01-10", Closed: "2024-07-02"},
		P{ID: "t5", Unit: "A", Received: "2024-05-15", Closed: "2024-05-20"},
		P{ID: "t6", Unit: "A", Received: "2024-02-01", DueAt: "2024-03-31", Extension: "20", Closed: "2024-03-31"},
		P{ID: "t7", Unit: "A", Received: "2024-01-20", AcceptedAt: "2024-01-25", Extension: "10", Closed: "2024-04-04"},
		P{ID: "t8", Unit: "B", Received: "2024-01-10", Closed: "2024-03-01"},
		P{ID: "t9", Unit: "X", Received: "2024-01-10"},
	)
}

// closed_at not mapped by a source: its records are left out; not mapped by any source:
// every timeliness figure is NULL and the lists are empty.
func TestTimelinessNotTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.sourceExcept("s2", "closed_at")
	f.add(
		// s1 maps closed_at: Jan 10 → Mar 10, closed Mar 1, on time.
		P{ID: "1", Unit: "A", Received: "2024-01-10", Closed: "2024-03-01"},
		// s2 does not map closed_at: its records are not in any denominator.
		P{Source: "s2", ID: "2", Unit: "A", Received: "2024-01-10"},
		P{Source: "s2", ID: "3", Unit: "A", Received: "2024-01-11"},
	)
	f.build("2024-06-30")
	q := " FROM mart.timeliness WHERE " + key("A", false, "2024-03")
	f.eqInt(1, "SELECT due"+q)
	f.eqFloat(1, "SELECT on_time_rate"+q)
	f.eqInt(0, "SELECT count(*) FROM mart.open_overdue")

	g := newFixture(t)
	g.units(U{ID: "A"})
	g.sourceExcept("s1", "closed_at")
	g.add(P{ID: "1", Unit: "A", Received: "2024-01-10"})
	g.build("2024-06-30")
	q = " FROM mart.timeliness WHERE " + key("A", false, "2024-03")
	g.eqNull("SELECT due" + q)
	g.eqNull("SELECT on_time" + q)
	g.eqNull("SELECT on_time_rate" + q)
	g.eqNull("SELECT closed" + q)
	g.eqInt(0, "SELECT count(*) FROM mart.timeliness WHERE due IS NOT NULL OR closed IS NOT NULL")
	g.eqInt(0, "SELECT count(*) FROM mart.open_overdue")
	g.eqInt(0, "SELECT count(*) FROM mart.due_soon")
}

// Lists as of 2024-06-30 with due_soon_days 5 (deadlines = received + 60):
//
//	o1 rec Apr 1  → May 31, open            overdue 30 days
//	o2 rec Apr 30 → Jun 29, open            overdue 1 day
//	o3 rec May 1  → Jun 30 = as_of, open    due soon, 0 days left (not overdue yet)
//	o4 rec May 6  → Jul 5 = as_of + 5       due soon, 5 days left
//	o5 rec May 7  → Jul 6                   in neither list
//	o6 rec Apr 1, closed Jun 1              in neither list
//	o7 rec Apr 1, closed Jul 3 (after as_of) → open as of as_of: overdue 30
func TestOpenLists(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "o1", Unit: "A", Received: "2024-04-01", Petitioner: "pseud-1", Listed: "true", Leader: "王"},
		P{ID: "o2", Unit: "A", Received: "2024-04-30"},
		P{ID: "o3", Unit: "A", Received: "2024-05-01"},
		P{ID: "o4", Unit: "A", Received: "2024-05-06"},
		P{ID: "o5", Unit: "A", Received: "2024-05-07"},
		P{ID: "o6", Unit: "A", Received: "2024-04-01", Closed: "2024-06-01"},
		P{ID: "o7", Unit: "A", Received: "2024-04-01", Closed: "2024-07-03"},
	)
	f.build("2024-06-30")
	f.eqInt(3, "SELECT count(*) FROM mart.open_overdue")
	f.eqInt(30, "SELECT days_overdue FROM mart.open_overdue WHERE petition_id = 'o1'")
	f.eqInt(1, "SELECT days_overdue FROM mart.open_overdue WHERE petition_id = 'o2'")
	f.eqInt(30, "SELECT days_overdue FROM mart.open_overdue WHERE petition_id = 'o7'")
	f.eqStr("pseud-1", "SELECT petitioner_id FROM mart.open_overdue WHERE petition_id = 'o1'")
	f.eqStr("王", "SELECT leader_owner FROM mart.open_overdue WHERE petition_id = 'o1'")
	f.eqDay("2024-05-31", "SELECT handle_deadline FROM mart.open_overdue WHERE petition_id = 'o1'")
	f.eqInt(2, "SELECT count(*) FROM mart.due_soon")
	f.eqInt(0, "SELECT days_left FROM mart.due_soon WHERE petition_id = 'o3'")
	f.eqInt(5, "SELECT days_left FROM mart.due_soon WHERE petition_id = 'o4'")
}

// Open listed-supervision and leader-owned matters as of 2024-06-30, whatever the deadline
// (deadlines = received + 60):
//
//	s1 rec Apr 1 → May 31, open, listed                 listed (overdue, still listed)
//	s2 rec May 7 → Jul 6, open, leader 李                leader-owned (not yet due)
//	s3 rec Apr 1, open, listed and leader 王             both: one row
//	s4 rec Apr 1, closed Jun 1, listed                  closed: not listed
//	s5 rec Apr 1, closed Jul 3 (after as_of), leader 赵  open as of as_of: listed
//	s6 rec Apr 1, open, neither                         not listed
//	s7 rec Jul 1 (after as_of), listed                  not yet received: not listed
//	t1 source t (closed_at not mapped), open, listed    open cannot be told: not listed
//
// Order: deadline, then petition_id: s1, s3, s5 (May 31), then s2 (Jul 6).
func TestOpenSupervised(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.sourceExcept("t", "closed_at")
	f.add(
		P{ID: "s1", Unit: "A", Received: "2024-04-01", Listed: "true"},
		P{ID: "s2", Unit: "A", Received: "2024-05-07", Leader: "李"},
		P{ID: "s3", Unit: "A", Received: "2024-04-01", Listed: "true", Leader: "王", Petitioner: "pseud-3"},
		P{ID: "s4", Unit: "A", Received: "2024-04-01", Closed: "2024-06-01", Listed: "true"},
		P{ID: "s5", Unit: "A", Received: "2024-04-01", Closed: "2024-07-03", Leader: "赵"},
		P{ID: "s6", Unit: "A", Received: "2024-04-01"},
		P{ID: "s7", Unit: "A", Received: "2024-07-01", Listed: "true"},
		P{Source: "t", ID: "t1", Unit: "A", Received: "2024-04-01", Listed: "true"},
	)
	f.build("2024-06-30")
	f.eqStr("s1,s3,s5,s2", "SELECT string_agg(petition_id, ',' ORDER BY handle_deadline, petition_id) FROM mart.open_supervised")
	f.eqDay("2024-07-06", "SELECT handle_deadline FROM mart.open_supervised WHERE petition_id = 's2'")
	f.eqStr("王", "SELECT leader_owner FROM mart.open_supervised WHERE petition_id = 's3'")
	f.eqStr("pseud-3", "SELECT petitioner_id FROM mart.open_supervised WHERE petition_id = 's3'")
	f.eqInt(2, "SELECT count(*) FROM mart.open_supervised WHERE listed_supervision")
	f.eqInt(3, "SELECT count(*) FROM mart.open_supervised WHERE leader_owner IS NOT NULL")
}
