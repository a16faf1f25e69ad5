package queries_test

import (
	"os"
	"path/filepath"
	"testing"
)

// A day listed as both holiday and workday (METRICS.md, Working days): a weekday listed as
// both is a holiday, a weekend day listed as both works — whatever the order of the lines.
// Found by scripts/crosscheck/run.py (suite c): the calendar made every listed workday work, so a
// weekday listed as both counted as a working day.
func TestWorkingDayListedAsBoth(t *testing.T) {
	p := filepath.Join(t.TempDir(), "holidays.csv")
	body := "date,kind\n" +
		"2025-06-06,holiday\n2025-06-06,workday\n" + // Friday: both → holiday
		"2025-06-07,workday\n2025-06-07,holiday\n" // Saturday: both → works
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	f.cfg.Metrics.DayBasis = "working"
	f.cfg.Metrics.HolidayFile = p
	f.cfg.Metrics.AcceptDays = 1
	f.cfg.Metrics.HandleDays = 2
	f.cfg.Metrics.FeedbackDays = 3
	f.units(U{ID: "A"})
	// received Thu Jun 5: Fri Jun 6 is a holiday, so day 1 = Sat Jun 7 (works) → accept Jun 7;
	// day 2 = Mon Jun 9 → handle Jun 9; day 3 = Tue Jun 10 → feedback Jun 10.
	// (With the Friday counted as working: accept Jun 6, handle Jun 7, feedback Jun 9.)
	f.add(P{ID: "b1", Unit: "A", Received: "2025-06-05 09:00:00"})
	f.build("2025-12-31")
	f.eqInt(1, "SELECT count(*) FROM mart.calendar WHERE d = DATE '2025-06-06' AND NOT is_working")
	f.eqInt(1, "SELECT count(*) FROM mart.calendar WHERE d = DATE '2025-06-07' AND is_working")
	f.eqDay("2025-06-07", dl("accept_deadline", "b1"))
	f.eqDay("2025-06-09", dl("handle_deadline", "b1"))
	f.eqDay("2025-06-10", dl("feedback_deadline", "b1"))
}
