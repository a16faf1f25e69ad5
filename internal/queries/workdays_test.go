package queries_test

import (
	"os"
	"path/filepath"
	"testing"
)

// holidayFile writes a holiday calendar modelled on the 2024 National Day break:
// Oct 1–7 off, Sunday Sep 29 and Saturday Oct 12 worked instead (调休).
func holidayFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "holidays.csv")
	body := "date,kind,name\n" +
		"2024-09-29,workday,国庆调休\n" +
		"2024-10-01,holiday,国庆节\n2024-10-02,holiday,国庆节\n2024-10-03,holiday,国庆节\n" +
		"2024-10-04,holiday,国庆节\n2024-10-05,holiday,国庆节\n2024-10-06,holiday,国庆节\n" +
		"2024-10-07,holiday,国庆节\n" +
		"2024-10-12,workday,国庆调休\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Working-day deadlines with accept 3, handle 5, feedback 10 working days.
// Working days around the break: Fri Sep 27, Sun Sep 29 (make-up), Mon Sep 30, then
// Tue Oct 8, Wed 9, Thu 10, Fri 11, Sat 12 (make-up), Mon 14, Tue 15, Wed 16 ...
func TestWorkingDayDeadlines(t *testing.T) {
	f := newFixture(t)
	f.cfg.Metrics.DayBasis = "working"
	f.cfg.Metrics.HolidayFile = holidayFile(t)
	f.cfg.Metrics.AcceptDays = 3
	f.cfg.Metrics.HandleDays = 5
	f.cfg.Metrics.FeedbackDays = 10
	f.units(U{ID: "A"})
	f.add(
		// received Fri Sep 27: day 1 Sun Sep 29, 2 Sep 30, 3 Oct 8 → accept Oct 8;
		// 4 Oct 9, 5 Oct 10 → handle Oct 10; 6 Oct 11, 7 Sat Oct 12, 8 Oct 14, 9 Oct 15,
		// 10 Oct 16 → feedback Oct 16.
		P{ID: "w1", Unit: "A", Received: "2024-09-27 16:00:00"},
		// received Sat Nov 2 (not a working day): day 1 is Mon Nov 4, 3 = Wed Nov 6 → accept;
		// handle 5 + extension 2 = 7 working days: Nov 4,5,6,7,8, (weekend) 11, 12 → Nov 12.
		P{ID: "w2", Unit: "A", Received: "2024-11-02", Extension: "2"},
		// accepted Fri Sep 27 is the base; 5 + 1 = 6 working days: Sep 29, Sep 30, Oct 8, 9,
		// 10, 11 → Oct 11. Closed Oct 11: on its deadline day, on time.
		P{ID: "w3", Unit: "A", Received: "2024-09-25", AcceptedAt: "2024-09-27", Extension: "1", Closed: "2024-10-11 17:00:00"},
		// as w3 but closed Sat Oct 12 (a make-up working day): one day late.
		P{ID: "w4", Unit: "A", Received: "2024-09-25", AcceptedAt: "2024-09-27", Extension: "1", Closed: "2024-10-12"},
		// due_at given: used as is, even on a holiday.
		P{ID: "w5", Unit: "A", Received: "2024-09-25", DueAt: "2024-10-03"},
	)
	f.build("2024-12-31")
	f.eqDay("2024-10-08", dl("accept_deadline", "w1"))
	f.eqDay("2024-10-10", dl("handle_deadline", "w1"))
	f.eqDay("2024-10-16", dl("feedback_deadline", "w1"))
	f.eqDay("2024-11-06", dl("accept_deadline", "w2"))
	f.eqDay("2024-11-12", dl("handle_deadline", "w2"))
	f.eqDay("2024-10-11", dl("handle_deadline", "w3"))
	f.eqDay("2024-10-03", dl("handle_deadline", "w5"))

	// The calendar itself: make-up Sunday works, a holiday weekday does not, a plain
	// Sunday does not; between Fri Sep 27 and Tue Oct 8 lie exactly 2 working days
	// (Sep 29, Sep 30), so the running count rises by 3 from Sep 27 to Oct 8.
	f.eqInt(1, "SELECT count(*) FROM mart.calendar WHERE d = DATE '2024-09-29' AND is_working")
	f.eqInt(1, "SELECT count(*) FROM mart.calendar WHERE d = DATE '2024-10-03' AND NOT is_working")
	f.eqInt(1, "SELECT count(*) FROM mart.calendar WHERE d = DATE '2024-10-13' AND NOT is_working")
	f.eqInt(3, "SELECT (SELECT workday_seq FROM mart.calendar WHERE d = DATE '2024-10-08') - (SELECT workday_seq FROM mart.calendar WHERE d = DATE '2024-09-27')")
	// the calendar reaches well past the data: at least two years after the as-of date
	f.eqInt(1, "SELECT count(*) FROM mart.calendar WHERE d = DATE '2026-12-31'")

	// Timeliness on working deadlines, 2024-10: due w1 (Oct 10, open → overdue), w3 (on
	// time), w4 (late), w5 (Oct 3, open → overdue) = 4; on_time 1 → 0.25.
	q := " FROM mart.timeliness WHERE " + key("A", false, "2024-10")
	f.eqInt(4, "SELECT due"+q)
	f.eqInt(1, "SELECT on_time"+q)
	f.eqInt(1, "SELECT late_closed"+q)
	f.eqInt(2, "SELECT overdue_open"+q)
	f.eqFloat(0.25, "SELECT on_time_rate"+q)

	// Back to calendar days on the same data: w1 handle = Sep 27 + 5 = Oct 2.
	f.cfg.Metrics.DayBasis = "calendar"
	f.build("2024-12-31")
	f.eqDay("2024-10-02", dl("handle_deadline", "w1"))
	f.eqDay("2024-11-09", dl("handle_deadline", "w2")) // Nov 2 + 5 + 2 calendar days
}
