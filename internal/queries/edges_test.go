package queries_test

// Hand-worked tests for SQL edges no other test pins down (issue 17): each is the
// target of an edit in scripts/mutations.txt that must make it fail.

import (
	"fmt"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// trend_min_months = 24 (default) with exactly 24 complete months: enough, so the
// test runs. One record a month, 2022-01 .. 2023-12, as of 2023-12-31: every calendar
// month has two equal values, so S = 0 and each month's variance is
// 2·1·9/18 − (one tie group of 2) 2·1·9/18 = 0 → z = 0 → 'flat' (not 'insufficient').
// TestTrendInsufficient has the 23-month side of the boundary.
func TestTrendMinMonthsBoundary(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	for m := 0; m < 24; m++ {
		f.add(P{ID: fmt.Sprint("a", m), Unit: "A", Received: fmt.Sprintf("%d-%02d-03", 2022+m/12, m%12+1)})
	}
	f.build("2023-12-31")
	f.eqInt(24, tr("months", "A", false))
	f.eqStr("flat", tr("label", "A", false))
	f.eqInt(0, tr("mk_s", "A", false))
	f.eqFloat(0, tr("mk_z", "A", false))
	// A minimum of 25 makes the same 24 months insufficient.
	f.cfg.Metrics.TrendMonths, f.cfg.Metrics.TrendMinMonths = 36, 25
	f.build("2023-12-31")
	f.eqStr("insufficient", tr("label", "A", false))
}

// The veto operators other than the default >=, on one value: unit A has 3 justified
// closures in 2024. Each operator gets a rule that triggers and one that does not,
// with the threshold at the value where >= and the operator disagree.
func TestVetoOperators(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "1", Unit: "A", Received: "2024-01-05", Closed: "2024-02-01", Justified: "justified"},
		P{ID: "2", Unit: "A", Received: "2024-01-06", Closed: "2024-02-02", Justified: "partly"},
		P{ID: "3", Unit: "A", Received: "2024-01-07", Closed: "2024-02-03", Justified: "justified"},
	)
	rule := func(id, op string, th float64) config.VetoRule {
		return config.VetoRule{ID: id, Metric: "justified_complaints", Op: op, Threshold: th, Scope: "unit", Window: "year"}
	}
	f.cfg.Veto.Rules = []config.VetoRule{
		rule("gt3", ">", 3), rule("gt2", ">", 2), // 3 > 3 no; 3 > 2 yes
		rule("le3", "<=", 3), rule("le2", "<=", 2), // 3 <= 3 yes; 3 <= 2 no
		rule("lt3", "<", 3), rule("lt4", "<", 4), // 3 < 3 no; 3 < 4 yes
		rule("eq3", "=", 3), rule("eq2", "=", 2), // 3 = 3 yes; 3 = 2 no
	}
	f.build("2024-12-31")
	for id, want := range map[string]bool{"gt3": false, "gt2": true, "le3": true, "le2": false, "lt3": false, "lt4": true, "eq3": true, "eq2": false} {
		f.eqInt(3, "SELECT value"+vetoRow("unit", "A", 2024, id))
		n := int64(0)
		if want {
			n = 1
		}
		f.eqInt(n, "SELECT count(*)"+vetoRow("unit", "A", 2024, id)+" AND triggered")
	}
}

// Two records with the same received_at and the same petition_id text from two
// sources: SPEC orders by (received_at, petition_id), and the source name breaks the
// remaining tie, so s1's record (unit A) is the first visit and s2's (unit B) the
// repeat. The repeat is counted under B, never A.
func TestRepeatCrossSourceTieBreak(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		P{Source: "s2", ID: "7", Unit: "B", Received: "2024-03-01 10:00:00", Petitioner: "p", Matter: "m"},
		P{Source: "s1", ID: "7", Unit: "A", Received: "2024-03-01 10:00:00", Petitioner: "p", Matter: "m"},
	)
	f.build("2024-12-31")
	f.eqInt(0, rp("repeat_petitions", "A", false, "2024-03"))
	f.eqInt(1, rp("repeat_petitions", "B", false, "2024-03"))
}

// Timeliness (basis due) counts a record in the denominator once its deadline is on
// or before as_of: as of the deadline day itself, it is due. Received 2024-01-10,
// handle_days 60 → deadline 2024-03-10; as of 2024-03-10 both records are due, one
// closed that day (on time), one open (overdue). As of 2024-03-09 neither is.
func TestTimelinessDeadlineOnAsOf(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "c", Unit: "A", Received: "2024-01-10", Closed: "2024-03-10 17:00:00"},
		P{ID: "o", Unit: "A", Received: "2024-01-10"},
	)
	q := " FROM mart.timeliness WHERE " + key("A", false, "2024-03")
	f.build("2024-03-10")
	f.eqInt(2, "SELECT due"+q)
	f.eqInt(1, "SELECT on_time"+q)
	f.eqInt(1, "SELECT overdue_open"+q)
	f.eqFloat(0.5, "SELECT on_time_rate"+q)
	f.build("2024-03-09")
	f.eqInt(0, "SELECT coalesce(sum(due), 0) FROM mart.timeliness WHERE unit_id = 'A' AND NOT rollup")
}

// The at-risk band of a volume target is 2 percentage points (SPEC §7): a complete
// year, target volume_change_pct <= -3. 2023 → 2024 per unit:
//
//	A 100 → 99: −1 %, misses by exactly 2.0 points → at risk (the band is inclusive)
//	B  50 → 49: −2 %, misses by 1 → at risk
//	C  50 → 50:  0 %, misses by 3 → off track
//	D 100 → 97: −3 %, holds in a complete year → met
func TestTargetsAtRiskTolerance(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"}, U{ID: "C"}, U{ID: "D"})
	for _, u := range []struct {
		id       string
		y23, y24 int
	}{{"A", 100, 99}, {"B", 50, 49}, {"C", 50, 50}, {"D", 100, 97}} {
		addN(f, u.id+"23", u.id, "2023-01-02", u.y23)
		addN(f, u.id+"24", u.id, "2024-06-01", u.y24)
	}
	f.cfg.Targets = []config.Target{{Unit: "*", Metric: "volume_change_pct", Op: "<=", Value: -3}}
	f.build("2024-12-31")
	f.eqFloat(-1, tg("projected_change_pct", "A", 2024, "volume_change_pct"))
	f.eqStr("at risk", tg("status", "A", 2024, "volume_change_pct"))
	f.eqStr("at risk", tg("status", "B", 2024, "volume_change_pct"))
	f.eqStr("off track", tg("status", "C", 2024, "volume_change_pct"))
	f.eqStr("met", tg("status", "D", 2024, "volume_change_pct"))
}
