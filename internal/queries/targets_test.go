package queries_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

func tg(col, unit string, year int, metric string) string {
	return fmt.Sprintf("SELECT %s FROM mart.targets WHERE unit_id = '%s' AND rollup AND year = %d AND metric = '%s'", col, unit, year, metric)
}

// addN adds n records received on date d at unit u (ids prefix-0, prefix-1, ...).
func addN(f *fixture, prefix, u, d string, n int) {
	for i := 0; i < n; i++ {
		f.add(P{ID: fmt.Sprintf("%s-%d", prefix, i), Unit: u, Received: d})
	}
}

func TestTargetsVolumeProjectionAndBacktest(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"})
	// Per year: records up to 31 Mar (the YTD at as_of's month-day) and after it.
	//   2021: 10 by 03-31, 30 after -> total 40
	//   2022: 20 by 03-31, 40 after -> total 60
	//   2023: 10 by 03-31, 50 after -> total 60
	//   2024: 12 by 03-31 (as_of 2024-03-31)
	addN(f, "a21", "C", "2021-01-15", 10)
	addN(f, "b21", "C", "2021-04-01", 30)
	addN(f, "a22", "C", "2022-03-31", 20)
	addN(f, "b22", "C", "2022-09-01", 40)
	addN(f, "a23", "P", "2023-02-01", 10)
	addN(f, "b23", "C", "2023-12-31", 50)
	addN(f, "a24", "C", "2024-03-31", 12)
	f.cfg.Targets = []config.Target{
		{Unit: "*", Metric: "volume_change_pct", Op: "<=", Value: -3},
		{Unit: "C", Year: 2023, Metric: "volume_change_pct", Op: "<=", Value: 0},
		{Unit: "P", Metric: "volume_change_pct", Op: "<=", Value: -60},
	}
	f.build("2024-03-31")
	// 2024 for ALL ('*'): YTD 12. Prior full years 2021-2023: totals 40+60+60 = 160, same-YTD
	// 10+20+10 = 40 -> projected 12 x 160/40 = 48. Last year's total 60: (48-60)/60 = -20%.
	// Actual YTD change vs 2023's YTD 10: +20%. Target <= -3 holds -> on track (year partial).
	f.eqFloat(12, tg("actual_ytd", "ALL", 2024, "volume_change_pct"))
	f.eqFloat(48, tg("projected", "ALL", 2024, "volume_change_pct"))
	f.eqFloat(-20, tg("projected_change_pct", "ALL", 2024, "volume_change_pct"))
	f.eqFloat(20, tg("actual_change_pct", "ALL", 2024, "volume_change_pct"))
	f.eqStr("on track", tg("status", "ALL", 2024, "volume_change_pct"))
	// P's own target -60 (it overrides '*'): misses by 40 points -> off track.
	f.eqStr("off track", tg("status", "P", 2024, "volume_change_pct"))
	f.eqFloat(-60, tg("target", "P", 2024, "volume_change_pct"))
	// C (rollup = C only) 2024: 12 YTD; priors' totals: 40 + 60 + 50 = 150 (the 2023 YTD
	// records are at P), same-YTD 10 + 20 + 0 = 30 -> 12 x 150/30 = 60; vs last year 50: +20%.
	f.eqFloat(60, tg("projected", "C", 2024, "volume_change_pct"))
	f.eqStr("off track", tg("status", "C", 2024, "volume_change_pct"))
	// C 2023 target <= 0 (complete year): 50 vs 2022's 60 = -16.67% -> met.
	f.eqStr("met", tg("status", "C", 2023, "volume_change_pct"))
	f.eqFloat(-100.0/6, tg("actual_change_pct", "C", 2023, "volume_change_pct"))

	// Backtest for ALL: 2022 (prior 2021): 20 x 40/10 = 80 vs 60 -> +33.33%;
	// 2023 (priors 2021, 2022): 10 x (40+60)/(10+20) = 33.33 vs 60 -> -44.44%.
	// Mean |error| = (33.333 + 44.444)/2 = 38.888...
	bt := "SELECT %s FROM mart.targets_backtest WHERE unit_id = 'ALL' AND year = %d"
	f.eqFloat(80, fmt.Sprintf(bt, "projected", 2022))
	f.eqFloat(100.0/3, fmt.Sprintf(bt, "error_pct", 2022))
	f.eqFloat((100.0/3-60)*100/60, fmt.Sprintf(bt, "error_pct", 2023))
	f.eqInt(0, "SELECT count(*) FROM mart.targets_backtest WHERE unit_id = 'ALL' AND year = 2021")
	want := (100.0/3 + math.Abs((100.0/3-60)*100/60)) / 2
	f.eqFloat(want, tg("backtest_error_pct", "ALL", 2024, "volume_change_pct"))
}

func TestTargetsNoPriorYearAndLeapDay(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	// First data year 2024, as_of 2024-02-29 (Feb is complete: 2 complete months).
	addN(f, "x", "A", "2024-01-20", 5)
	addN(f, "y", "A", "2024-02-29", 3)
	f.cfg.Targets = []config.Target{{Unit: "A", Metric: "volume_change_pct", Op: "<=", Value: -3}}
	f.build("2024-02-29")
	// No prior full year: 8 x 12 / 2 = 48. No last year: change and status NULL.
	f.eqFloat(48, tg("projected", "A", 2024, "volume_change_pct"))
	f.eqNull(tg("projected_change_pct", "A", 2024, "volume_change_pct"))
	f.eqNull(tg("status", "A", 2024, "volume_change_pct"))
}

func TestTargetsRateAndLeapYTD(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	// 2023: one record on 02-28 and one on 03-01; 2024 (as_of 02-29): 2 up to 02-29.
	// Same-YTD of 2023 at 29 Feb -> 28 Feb: 1 record (not the 03-01 one).
	f.add(
		P{ID: "1", Unit: "A", Received: "2023-02-28", Petitioner: "p", Matter: "m"},
		P{ID: "2", Unit: "A", Received: "2023-03-01", Petitioner: "q", Matter: "m"},
		P{ID: "3", Unit: "A", Received: "2024-01-10", Petitioner: "p", Matter: "m"},
		P{ID: "4", Unit: "A", Received: "2024-02-29", Petitioner: "r", Matter: "m"},
	)
	f.cfg.Targets = []config.Target{
		{Unit: "*", Metric: "volume_change_pct", Op: "<=", Value: 50},
		{Unit: "*", Metric: "repeat_rate", Op: "<=", Value: 0.49},
	}
	f.build("2024-02-29")
	// YTD 2024 = 2 vs 2023 YTD 1 -> +100%.
	f.eqFloat(100, tg("actual_change_pct", "A", 2024, "volume_change_pct"))
	// 2023 is not a full year (data start 2023-02): no prior full year, so 2 x 12 / 2 = 12;
	// vs 2023 total 2: +500% against <= 50: off track.
	f.eqFloat(12, tg("projected", "A", 2024, "volume_change_pct"))
	f.eqStr("off track", tg("status", "A", 2024, "volume_change_pct"))
	// repeat_rate 2024: record 3 repeats record 1 (317 days): 1/2 = 0.5; target <= 0.49
	// misses by 0.01 <= 0.02: at risk.
	f.eqFloat(0.5, tg("actual_ytd", "A", 2024, "repeat_rate"))
	f.eqStr("at risk", tg("status", "A", 2024, "repeat_rate"))
}

func TestUnknownUnits(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(
		P{ID: "1", Unit: "X", Received: "2024-01-02"},
		P{ID: "2", Unit: "X", Received: "2024-01-09"},
		P{ID: "3", Unit: "A", Received: "2024-01-09"},
		P{ID: "4", Unit: "Y", Received: "2024-02-01"}, // after as_of
	)
	f.build("2024-01-31")
	f.eqInt(1, "SELECT count(*) FROM mart.unknown_units")
	f.eqInt(2, "SELECT petitions FROM mart.unknown_units WHERE unit_id = 'X'")
	f.eqStr("2024-01-09", "SELECT last_received::VARCHAR FROM mart.unknown_units WHERE unit_id = 'X'")
	// X's records count in ALL only: ALL 3, A 1.
	f.eqInt(3, vol("petitions", "ALL", true, "2024-01"))
	f.eqInt(1, vol("petitions", "A", true, "2024-01"))
}

// At a 31 December as-of the as-of year is complete, but SPEC §7 backtests only the
// full years before it: 2023 must not be backtested against itself (it once gave an
// error of 0 that pulled the mean down).
func TestTargetsBacktestExcludesAsOfYear(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	// 2022: 10 by 12-31 (all in Jan); 2023: 20, all in January.
	addN(f, "a", "A", "2022-01-10", 10)
	addN(f, "b", "A", "2023-01-10", 20)
	f.cfg.Targets = []config.Target{{Unit: "*", Metric: "volume_change_pct", Op: "<=", Value: -3}}
	f.build("2023-12-31")
	// 2022 has no prior full year, 2023 is the as-of year: no backtest rows at all, and
	// the backtest error is NULL rather than 0.
	f.eqInt(0, "SELECT count(*) FROM mart.targets_backtest")
	f.eqNull(tg("backtest_error_pct", "ALL", 2023, "volume_change_pct"))
	// 2023's own projection: YTD 20 x (2022 total 10 / 2022 YTD 10) = 20.
	f.eqFloat(20, tg("projected", "ALL", 2023, "volume_change_pct"))
}
