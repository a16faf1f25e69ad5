package queries_test

import "testing"

func rp(col, unit string, rollup bool, period string) string {
	return "SELECT " + col + " FROM mart.repeat WHERE " + key(unit, rollup, period)
}

func TestRepeat(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"})
	f.sourceExcept("s2", "petitioner_id")
	f.add(
		// Same received_at: "t10" < "t2" as text, so t10 is first-time and t2 the repeat.
		P{ID: "t2", Unit: "C", Received: "2023-01-10 09:00:00", Petitioner: "a", Matter: "m"},
		P{ID: "t10", Unit: "C", Received: "2023-01-10 09:00:00", Petitioner: "a", Matter: "m"},
		// 2023-01-10 -> 2024-01-10 = 365 days (2023 has no 29 Feb): a repeat, found across
		// units and counted under its own unit P.
		P{ID: "x3", Unit: "P", Received: "2024-01-10", Petitioner: "a", Matter: "m"},
		// b: 2023-03-01 -> 2024-03-01 = 366 days (29 Feb 2024 between): not a repeat.
		P{ID: "b1", Unit: "C", Received: "2023-03-01", Petitioner: "b", Matter: "m"},
		P{ID: "b2", Unit: "C", Received: "2024-03-01", Petitioner: "b", Matter: "m"},
		// Blank petitioner: never a repeat, not a petitioner, still in petitions.
		P{ID: "n1", Unit: "C", Received: "2023-05-01", Matter: "m"},
		P{ID: "n2", Unit: "C", Received: "2023-05-02", Matter: "m"},
		// s2 does not map petitioner_id: not in mart.repeat at all.
		P{Source: "s2", ID: "u1", Unit: "C", Received: "2023-06-01", Petitioner: "a", Matter: "m"},
		// After as_of: ignored.
		P{ID: "late", Unit: "C", Received: "2025-01-01", Petitioner: "a", Matter: "m"},
	)
	f.build("2024-12-31")
	// 2023-01, C: t10 + t2 = 2 petitions, 1 repeat: rate 1/2; petitioners {a} = 1, with a
	// repeat 1: 1/1.
	f.eqInt(2, rp("petitions", "C", false, "2023-01"))
	f.eqInt(1, rp("repeat_petitions", "C", false, "2023-01"))
	f.eqFloat(0.5, rp("repeat_rate", "C", false, "2023-01"))
	f.eqFloat(1, rp("repeat_petitioner_rate", "C", false, "2023-01"))
	// 2024-01, P own: x3 = 1 petition, 1 repeat.
	f.eqInt(1, rp("repeat_petitions", "P", false, "2024-01"))
	// 2023, P with C: t10, t2, b1, n1, n2 = 5 (u1 not tracked); repeats: t2 = 1 -> 0.2;
	// petitioners {a, b} = 2, with a repeat {a} = 1 -> 0.5.
	f.eqInt(5, rp("petitions", "P", true, "2023"))
	f.eqInt(1, rp("repeat_petitions", "P", true, "2023"))
	f.eqFloat(0.2, rp("repeat_rate", "P", true, "2023"))
	f.eqInt(2, rp("petitioners", "P", true, "2023"))
	f.eqInt(1, rp("repeat_petitioners", "P", true, "2023"))
	// 2024, P with C: x3 (repeat), b2 (366 days: not) = 2 petitions, 1 repeat -> 0.5.
	f.eqFloat(0.5, rp("repeat_rate", "P", true, "2024"))
	f.eqInt(0, rp("repeat_petitions", "C", false, "2024"))
	// Empty period: 0 petitions, rate NULL.
	f.eqInt(0, rp("petitions", "C", false, "2023-02"))
	f.eqNull(rp("repeat_rate", "C", false, "2023-02"))
}

func TestRepeatNotTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.sourceExcept("s1", "petitioner_id")
	f.add(P{ID: "1", Unit: "A", Received: "2024-01-02", Petitioner: "a"}, P{ID: "2", Unit: "A", Received: "2024-01-03", Petitioner: "a"})
	f.build("2024-01-31")
	// No source maps petitioner_id: NULL in every row, never 0.
	f.eqInt(0, "SELECT count(*) FROM mart.repeat WHERE petitions IS NOT NULL OR repeat_petitions IS NOT NULL OR repeat_rate IS NOT NULL OR petitioners IS NOT NULL")
	// Rows still exist: (A own, A rollup, ALL) x (2024-01, 2024-Q1, 2024) = 9.
	f.eqInt(9, "SELECT count(*) FROM mart.repeat")
}
