package queries_test

import "testing"

func cl(col, unit string, rollup bool, period string) string {
	return "SELECT " + col + " FROM mart.closure WHERE " + key(unit, rollup, period)
}

func TestClosure(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "C"})
	f.sourceExcept("s2", "followup_at", "satisfaction")
	f.add(
		// c1 closed 01-10; a returns 07-08 = 180 days later (Jan 21 + Feb 29 + Mar 31 + Apr 30
		// + May 31 + Jun 30 = 172, + 8): not ceased. Follow-up on the closure day counts.
		P{ID: "c1", Unit: "C", Received: "2024-01-02", Petitioner: "a", Matter: "m", Closed: "2024-01-10 16:00:00",
			Followup: "2024-01-10", Satisfaction: "satisfied", Justified: "justified"},
		// c2 is a repeat (a, m within 365 days); follow-up before its closure does not count.
		P{ID: "c2", Unit: "C", Received: "2024-07-08", Petitioner: "a", Matter: "m", Closed: "2024-07-20",
			Followup: "2024-07-19", Satisfaction: "basically", Justified: "partly"},
		// c3 closed 01-15; b returns 07-14 = 181 days later (Jan 16..31 = 16, + 29 + 31 + 30
		// + 31 + 30 = 167, + 14 = 181): ceased.
		// Follow-up after as_of does not count.
		P{ID: "c3", Unit: "C", Received: "2024-01-03", Petitioner: "b", Matter: "m", Closed: "2024-01-15",
			Followup: "2025-01-05", Satisfaction: "unsatisfied"},
		P{ID: "c4", Unit: "C", Received: "2024-07-14", Petitioner: "b", Matter: "m"},
		// c5: blank petitioner: first-time and never not ceased; unrated is not rated.
		P{ID: "c5", Unit: "C", Received: "2024-01-04", Closed: "2024-01-20", Satisfaction: "unrated"},
		// c6 closed 01-05 09:00; d returns the same day (c7, 15:00): not a later date: ceased.
		P{ID: "c6", Unit: "C", Received: "2024-01-05 08:00:00", Petitioner: "d", Matter: "m", Closed: "2024-01-05 09:00:00"},
		P{ID: "c7", Unit: "C", Received: "2024-01-05 15:00:00", Petitioner: "d", Matter: "m"},
		// Closed after as_of: not closed.
		P{ID: "c8", Unit: "C", Received: "2024-12-01", Petitioner: "f", Closed: "2025-01-02"},
		// s2 maps neither followup_at nor satisfaction: counted in closed, not in the
		// follow-up or satisfaction denominators.
		P{Source: "s2", ID: "e1", Unit: "C", Received: "2024-01-06", Petitioner: "e", Closed: "2024-01-25",
			Followup: "2024-01-26", Satisfaction: "satisfied"},
	)
	f.build("2024-12-31")
	// January 2024 closures: c1, c3, c5, c6, e1 = 5.
	f.eqInt(5, cl("closed", "C", false, "2024-01"))
	// not ceased: c1 only -> 1/5.
	f.eqInt(1, cl("not_ceased", "C", false, "2024-01"))
	f.eqFloat(0.2, cl("not_ceased_rate", "C", false, "2024-01"))
	// first-time among them: all 5 (c5 blank petitioner is first-time); resolved: all but c1
	// = 4 -> 0.8.
	f.eqInt(5, cl("first_contact_closed", "C", false, "2024-01"))
	f.eqInt(4, cl("first_contact_resolved", "C", false, "2024-01"))
	f.eqFloat(0.8, cl("first_contact_rate", "C", false, "2024-01"))
	// follow-up over the 4 closures of s1: c1 only -> 1/4.
	f.eqInt(1, cl("followed_up", "C", false, "2024-01"))
	f.eqFloat(0.25, cl("followup_rate", "C", false, "2024-01"))
	// rated (s1 only): c1 satisfied, c3 unsatisfied = 2 (c5 unrated, c6 blank);
	// satisfaction (1 + 0)/2 = 0.5; participation 2/4 = 0.5.
	f.eqInt(2, cl("rated", "C", false, "2024-01"))
	f.eqInt(1, cl("satisfied", "C", false, "2024-01"))
	f.eqFloat(0.5, cl("satisfaction_rate", "C", false, "2024-01"))
	f.eqFloat(0.5, cl("participation_rate", "C", false, "2024-01"))
	f.eqInt(1, cl("justified", "C", false, "2024-01"))
	f.eqInt(0, cl("partly", "C", false, "2024-01"))
	// July: c2 only. Not first-time -> first_contact_rate NULL; followup 0/1 = 0;
	// basically 1 of rated 1 -> 1.0; partly 1.
	f.eqInt(1, cl("closed", "C", false, "2024-07"))
	f.eqInt(0, cl("first_contact_closed", "C", false, "2024-07"))
	f.eqNull(cl("first_contact_rate", "C", false, "2024-07"))
	f.eqFloat(0, cl("followup_rate", "C", false, "2024-07"))
	f.eqFloat(1, cl("satisfaction_rate", "C", false, "2024-07"))
	f.eqInt(1, cl("partly", "C", false, "2024-07"))
	// Year 2024: closed 6 (c8 after as_of excluded); rated 3, satisfied 1 + basically 1 ->
	// 2/3; participation 3/5 (s1 closures c1, c2, c3, c5, c6).
	f.eqInt(6, cl("closed", "ALL", true, "2024"))
	f.eqFloat(2.0/3, cl("satisfaction_rate", "ALL", true, "2024"))
	f.eqFloat(3.0/5, cl("participation_rate", "ALL", true, "2024"))
	// A month without closures: 0 closed, rates NULL.
	f.eqInt(0, cl("closed", "C", false, "2024-03"))
	f.eqNull(cl("followup_rate", "C", false, "2024-03"))
}

func TestClosureNotTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "C"})
	f.sourceExcept("s1", "followup_at", "satisfaction", "justified")
	f.add(P{ID: "1", Unit: "C", Received: "2024-01-02", Petitioner: "a", Closed: "2024-01-03", Satisfaction: "satisfied"})
	f.build("2024-01-31")
	f.eqInt(1, cl("closed", "C", false, "2024-01"))
	// Fields no source maps: NULL, not 0.
	for _, c := range []string{"followed_up", "followup_rate", "rated", "satisfied", "satisfaction_rate", "participation_rate", "justified", "partly"} {
		f.eqNull(cl(c, "C", false, "2024-01"))
	}
	f.eqFloat(1, cl("first_contact_rate", "C", false, "2024-01"))
}

// A closure dated before the data's first month (bad source data: closed before received) has
// no month row, but its quarter and year rows exist and SPEC counts closures "per period of
// closure", so it counts there. Found by scripts/crosscheck (spec_a.py).
func TestClosureBeforeFirstMonth(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "C"})
	f.source("s1", "closed_at", "petitioner_id", "satisfaction")
	f.add(
		// First receipt 2024-02-03, so the periods are 2024-02.. (months), 2024-Q1.., 2024.
		// b1 closed 2024-01-20, before it was received: quarter 2024-Q1 and year 2024.
		P{ID: "b1", Unit: "C", Received: "2024-02-03", Petitioner: "a", Closed: "2024-01-20", Satisfaction: "satisfied"},
		// b2 closed 2024-02-10: month 2024-02, 2024-Q1, 2024.
		P{ID: "b2", Unit: "C", Received: "2024-02-05", Petitioner: "c", Closed: "2024-02-10", Satisfaction: "unsatisfied"},
	)
	f.build("2024-03-31")
	f.eqInt(1, cl("closed", "C", false, "2024-02"))
	// Q1 and 2024: b1 + b2 = 2; rated 2, satisfied 1 -> 0.5.
	f.eqInt(2, cl("closed", "C", false, "2024-Q1"))
	f.eqInt(2, cl("closed", "ALL", true, "2024"))
	f.eqFloat(0.5, cl("satisfaction_rate", "C", true, "2024-Q1"))
	f.eqInt(0, "SELECT count(*) FROM mart.closure WHERE period = '2024-01'")
}
