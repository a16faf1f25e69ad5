package queries_test

import (
	"testing"
	"time"
)

// dayCell returns a DATE cell as YYYY-MM-DD ("NULL" when NULL).
func (f *fixture) dayCell(q string, args ...any) string {
	f.t.Helper()
	switch v := f.cell(q, args...).(type) {
	case nil:
		return "NULL"
	case time.Time:
		return v.Format("2006-01-02")
	default:
		f.t.Fatalf("query %s: %v (%T), want a date", q, v, v)
		return ""
	}
}

// eqDay fails unless the DATE cell is want (YYYY-MM-DD or "NULL").
func (f *fixture) eqDay(want string, q string, args ...any) {
	f.t.Helper()
	if got := f.dayCell(q, args...); got != want {
		f.t.Errorf("%s = %s, want %s", q, got, want)
	}
}

func dl(col, id string) string {
	return "SELECT " + col + " FROM mart.record_deadlines WHERE source = 's1' AND petition_id = '" + id + "'"
}

// Calendar-day deadlines (SPEC §4, defaults accept 15, handle 60, feedback 60, extension
// cap 30), as of 2024-06-30. 2024 is a leap year: Jan 10 + 60 days = Mar 10
// (21 days to Jan 31, 29 to Feb 29, 10 more).
func TestDeadlinesCalendar(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		// no acceptance, blank extension: base = received. accept Jan 10+15 = Jan 25;
		// handle Jan 10+60 = Mar 10; feedback Jan 10+60 = Mar 10.
		P{ID: "1", Unit: "A", Received: "2024-01-10 09:30:00"},
		// accepted Jan 20 is the base: Jan 20+60 = Mar 20 (11 to Jan 31, 29, 20).
		P{ID: "2", Unit: "A", Received: "2024-01-10", AcceptedAt: "2024-01-20"},
		// extension 45 is capped at 30: Jan 20 + 90 = Apr 19 (11 + 29 + 31 + 19).
		P{ID: "3", Unit: "A", Received: "2024-01-10", AcceptedAt: "2024-01-20", Extension: "45"},
		// extension 10 within the cap: Jan 20 + 70 = Mar 30.
		P{ID: "4", Unit: "A", Received: "2024-01-10", AcceptedAt: "2024-01-20", Extension: "10"},
		// due_at given: it is the deadline, the extension is not added.
		P{ID: "5", Unit: "A", Received: "2024-01-10", DueAt: "2024-02-01", Extension: "10"},
		// accepted after as_of: not accepted yet, so the base is the received date (Mar 10).
		P{ID: "6", Unit: "A", Received: "2024-01-10", AcceptedAt: "2024-07-05"},
		// feedback_due given wins over received + 60.
		P{ID: "7", Unit: "A", Received: "2024-01-10", FeedbackDue: "2024-02-15"},
		// received after as_of: not staged at all.
		P{ID: "8", Unit: "A", Received: "2024-07-01"},
	)
	f.build("2024-06-30")
	f.eqInt(7, "SELECT count(*) FROM mart.record_deadlines")
	f.eqDay("2024-01-25", dl("accept_deadline", "1"))
	f.eqDay("2024-03-10", dl("handle_deadline", "1"))
	f.eqDay("2024-03-10", dl("feedback_deadline", "1"))
	f.eqDay("2024-03-20", dl("handle_deadline", "2"))
	f.eqDay("2024-01-25", dl("accept_deadline", "2")) // acceptance never moves the accept deadline
	f.eqDay("2024-04-19", dl("handle_deadline", "3"))
	f.eqDay("2024-03-30", dl("handle_deadline", "4"))
	f.eqDay("2024-02-01", dl("handle_deadline", "5"))
	f.eqDay("2024-03-10", dl("handle_deadline", "6"))
	f.eqDay("2024-02-15", dl("feedback_deadline", "7"))
	f.eqDay("2024-03-10", dl("handle_deadline", "7"))

	// The same record as of 2024-08-01: the acceptance of Jul 5 has now happened, so the
	// base moves to Jul 5: Jul 5 + 60 = Sep 3 (26 to Jul 31, 31 in Aug, 3).
	f.build("2024-08-01")
	f.eqDay("2024-09-03", dl("handle_deadline", "6"))

	// A smaller max_extension_days also caps in SQL: 10 → 5, Jan 20 + 65 = Mar 25.
	f.cfg.Metrics.MaxExtensionDays = 5
	f.build("2024-06-30")
	f.eqDay("2024-03-25", dl("handle_deadline", "4"))
}
