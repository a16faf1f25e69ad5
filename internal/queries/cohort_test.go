package queries_test

import (
	"fmt"
	"testing"
)

// Intake cohorts (SPEC §11), as of 2024-06-30; handle deadline = received + 60 days. Units P
// with child A; X is not in the unit table.
//
//	Jan (A): r1 rec Jan 1 closed Jan 11 (10 days; deadline Mar 1: on time)
//	         r2 rec Jan 5 closed Jan 25 (20; on time)
//	         r3 rec Jan 10 closed Mar 20 (70; deadline Mar 10: late)
//	         r4 rec Jan 10 open (deadline Mar 10 < as_of: open_overdue)
//	         r5 rec Jan 20 closed Jul 5 — after as_of, so open; deadline Mar 20: open_overdue
//	   received 5, closed 3, on time 2, open_overdue 2 → closed_share 0.6, on_time_share 0.4;
//	   days {10, 20, 70}: median 20; p90 = the ⌈0.9·3⌉ = 3rd smallest = 70.
//	Feb (A): ten records rec Feb 1 closed d = 1..10 days later, all on time: median
//	   (5 + 6)/2 = 5.5; p90 = the ⌈9⌉ = 9th = 9 (exactly 90 % of values ≤ 9).
//	Mar (A): nothing received — an empty cohort: zeros, shares and quantiles NULL.
//	Apr (A): r8 3 days, r9 8 days: median 5.5, p90 = ⌈1.8⌉ = 2nd = 8.
//	May (A): r7 rec May 1 open, deadline Jun 30 = as_of: not before it → open_within_deadline.
//	Jun (A): r6 rec Jun 10 open (deadline Aug 9): a cohort still open: closed 0, median NULL.
//	X: rec Jan 15 closed Jan 16 (1 day): ALL only.
//	Q1 A: days {1..10, 10, 20, 70} (13): median the 7th = 7; p90 the ⌈11.7⌉ = 12th = 20.
//	Q1 ALL adds X's 1: 14 values 1,1,2,..,10,10,20,70: median (6 + 7)/2 = 6.5, p90 the 13th = 20.
func TestCohort(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "A", Parent: "P"})
	f.add(
		P{ID: "r1", Unit: "A", Received: "2024-01-01 09:00:00", Closed: "2024-01-11"},
		P{ID: "r2", Unit: "A", Received: "2024-01-05", Closed: "2024-01-25 17:00:00"},
		P{ID: "r3", Unit: "A", Received: "2024-01-10", Closed: "2024-03-20"},
		P{ID: "r4", Unit: "A", Received: "2024-01-10"},
		P{ID: "r5", Unit: "A", Received: "2024-01-20", Closed: "2024-07-05"},
		P{ID: "r8", Unit: "A", Received: "2024-04-01", Closed: "2024-04-04"},
		P{ID: "r9", Unit: "A", Received: "2024-04-02", Closed: "2024-04-10"},
		P{ID: "r7", Unit: "A", Received: "2024-05-01"},
		P{ID: "r6", Unit: "A", Received: "2024-06-10"},
		P{ID: "x", Unit: "X", Received: "2024-01-15", Closed: "2024-01-16"},
	)
	for d := 1; d <= 10; d++ {
		f.add(P{ID: fmt.Sprintf("f%d", d), Unit: "A", Received: "2024-02-01", Closed: fmt.Sprintf("2024-02-%02d", 1+d)})
	}
	f.build("2024-06-30")
	row := func(u string, rollup bool, p string) string { return " FROM mart.cohort WHERE " + key(u, rollup, p) }

	q := row("A", false, "2024-01")
	f.eqInt(5, "SELECT received"+q)
	f.eqInt(3, "SELECT closed"+q)
	f.eqInt(2, "SELECT closed_on_time"+q)
	f.eqInt(2, "SELECT open_overdue"+q)
	f.eqInt(0, "SELECT open_within_deadline"+q)
	f.eqFloat(0.6, "SELECT closed_share"+q)
	f.eqFloat(0.4, "SELECT on_time_share"+q)
	f.eqFloat(20, "SELECT median_days_to_close"+q)
	f.eqInt(70, "SELECT p90_days_to_close"+q)
	q = row("A", false, "2024-02")
	f.eqFloat(5.5, "SELECT median_days_to_close"+q)
	f.eqInt(9, "SELECT p90_days_to_close"+q)
	f.eqFloat(1, "SELECT on_time_share"+q)
	q = row("A", false, "2024-03")
	f.eqInt(0, "SELECT received"+q)
	f.eqNull("SELECT closed_share" + q)
	f.eqNull("SELECT median_days_to_close" + q)
	f.eqNull("SELECT p90_days_to_close" + q)
	q = row("A", false, "2024-04")
	f.eqFloat(5.5, "SELECT median_days_to_close"+q)
	f.eqInt(8, "SELECT p90_days_to_close"+q)
	f.eqInt(1, "SELECT open_within_deadline"+row("A", false, "2024-05"))
	f.eqInt(0, "SELECT open_overdue"+row("A", false, "2024-05"))
	q = row("A", false, "2024-06")
	f.eqInt(1, "SELECT received"+q)
	f.eqInt(0, "SELECT closed"+q)
	f.eqInt(1, "SELECT open_within_deadline"+q)
	f.eqFloat(0, "SELECT closed_share"+q)
	f.eqNull("SELECT median_days_to_close" + q)
	q = row("A", false, "2024-Q1")
	f.eqInt(15, "SELECT received"+q)
	f.eqFloat(7, "SELECT median_days_to_close"+q)
	f.eqInt(20, "SELECT p90_days_to_close"+q)
	q = row("ALL", true, "2024-Q1")
	f.eqInt(16, "SELECT received"+q)
	f.eqFloat(6.5, "SELECT median_days_to_close"+q)
	f.eqInt(20, "SELECT p90_days_to_close"+q)
	// P own: no records; P with A: A's figures.
	f.eqInt(0, "SELECT received"+row("P", false, "2024-Q1"))
	f.eqFloat(7, "SELECT median_days_to_close"+row("P", true, "2024-Q1"))
	// The year: 5 + 10 + 2 + 1 + 1 = 19 received, 3 + 10 + 2 = 15 closed, on time r1 r2, the
	// ten, r8 r9 = 14 (r3 late); open: r4 r5 overdue, r7 r6 within their deadlines.
	q = row("A", false, "2024")
	f.eqInt(19, "SELECT received"+q)
	f.eqInt(15, "SELECT closed"+q)
	f.eqInt(14, "SELECT closed_on_time"+q)
	f.eqInt(2, "SELECT open_overdue"+q)
	f.eqInt(2, "SELECT open_within_deadline"+q)
	// Every known unit × rollup × period + ALL: (2 × 2 + 1) × (6 months + 2 quarters + 1 year).
	f.eqInt(45, "SELECT count(*) FROM mart.cohort")
}

// closed_at not tracked by any source: every cohort column NULL.
func TestCohortNotTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.source("s1", "category")
	f.add(P{ID: "1", Unit: "A", Received: "2024-03-02"})
	f.build("2024-03-20")
	q := " FROM mart.cohort WHERE " + key("A", false, "2024-03")
	f.eqNull("SELECT received" + q)
	f.eqNull("SELECT closed_share" + q)
}
