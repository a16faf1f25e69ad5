package queries_test

import (
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/spec"
)

// rec is a WHERE clause for one staged record.
func rec(id string) string {
	return "FROM mart.records WHERE source = 's1' AND petition_id = '" + id + "'"
}

func TestBasePeriodsAndScope(t *testing.T) {
	f := newFixture(t)
	// P has children C1, C2; C2 has child G. Q is a separate root.
	f.units(U{ID: "P"}, U{ID: "C1", Parent: "P"}, U{ID: "C2", Parent: "P"}, U{ID: "G", Parent: "C2"}, U{ID: "Q"})
	f.add(
		P{ID: "1", Unit: "G", Received: "2023-11-20"},
		P{ID: "2", Unit: "X", Received: "2024-01-05"}, // unknown unit
		P{ID: "3", Unit: "Q", Received: "2024-03-01"}, // after as_of: ignored
	)
	f.build("2024-02-15")
	// First month 2023-11 (record 3 is after as_of) through 2024-02: 4 months;
	// quarters 2023-Q4, 2024-Q1: 2; years 2023, 2024: 2.
	f.eqInt(4, "SELECT count(*) FROM mart.periods WHERE period_type = 'month'")
	f.eqInt(2, "SELECT count(*) FROM mart.periods WHERE period_type = 'quarter'")
	f.eqInt(2, "SELECT count(*) FROM mart.periods WHERE period_type = 'year'")
	f.eqStr("2023-Q4", "SELECT min(period) FROM mart.periods WHERE period_type = 'quarter'")
	// 2024-02 ends 2024-02-29 > as_of: partial; 2024-01 complete.
	f.eqInt(0, "SELECT count(*) FROM mart.periods WHERE period = '2024-02' AND complete")
	f.eqInt(1, "SELECT count(*) FROM mart.periods WHERE period = '2024-01' AND complete AND period_end = DATE '2024-01-31'")
	// Rollup scope of P: P, C1, C2, G = 4 members; of C2: C2, G = 2; own scope 1.
	f.eqInt(4, "SELECT count(*) FROM mart.unit_scope WHERE unit_id = 'P' AND rollup")
	f.eqInt(2, "SELECT count(*) FROM mart.unit_scope WHERE unit_id = 'C2' AND rollup")
	f.eqInt(1, "SELECT count(*) FROM mart.unit_scope WHERE unit_id = 'C2' AND NOT rollup")
	// ALL: 5 known units + unknown X = 6 members.
	f.eqInt(6, "SELECT count(*) FROM mart.unit_scope WHERE unit_id = 'ALL'")
	// Row keys: (5 units x 2 rollups + ALL) x (4 + 2 + 2) periods = 11 x 8 = 88.
	f.eqInt(88, "SELECT count(*) FROM mart.row_keys")
	f.eqInt(2, "SELECT depth FROM mart.units_known WHERE unit_id = 'G'")
	f.eqStr("P/C2/G", "SELECT path FROM mart.units_known WHERE unit_id = 'G'")
	f.eqInt(2, "SELECT count(*) FROM mart.records")
	f.eqInt(0, "SELECT count(*) FROM mart.records WHERE known_unit AND unit_id = 'X'")
}

func TestBaseRepeatFlags(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		// Same received_at: petition_id orders them ("10" < "9" as text), so 10 is the
		// first-time record and 9 the repeat.
		P{ID: "9", Unit: "A", Received: "2023-01-01 09:00:00", Petitioner: "p", Matter: "m1"},
		P{ID: "10", Unit: "A", Received: "2023-01-01 09:00:00", Petitioner: "p", Matter: "m1"},
		// 2024-01-01 is exactly 365 days after 2023-01-01 (2023 is not a leap year): repeat.
		P{ID: "11", Unit: "B", Received: "2024-01-01", Petitioner: "p", Matter: "m1"},
		// 2025-01-02 is 367 days after 2024-01-01 (2024 is leap): not a repeat.
		P{ID: "12", Unit: "A", Received: "2025-01-02", Petitioner: "p", Matter: "m1"},
		// 2026-01-03 is 366 days after 2025-01-02: not a repeat (window 365 inclusive).
		P{ID: "13", Unit: "A", Received: "2026-01-03", Petitioner: "p", Matter: "m1"},
		// No matter_id: key (A, blank category); a matter_id key never matches it.
		P{ID: "20", Unit: "A", Received: "2023-02-01", Petitioner: "q"},
		P{ID: "21", Unit: "A", Received: "2023-02-02", Petitioner: "q"},
		P{ID: "22", Unit: "A", Received: "2023-02-03", Petitioner: "q", Category: "x"},
		P{ID: "23", Unit: "B", Received: "2023-02-04", Petitioner: "q"},
		// Blank petitioner: never a repeat.
		P{ID: "30", Unit: "A", Received: "2023-03-01", Matter: "m1"},
		P{ID: "31", Unit: "A", Received: "2023-03-02", Matter: "m1"},
	)
	f.build("2026-06-30")
	want := map[string]bool{"9": true, "10": false, "11": true, "12": false, "13": false,
		"20": false, "21": true, "22": false, "23": false, "30": false, "31": false}
	for id, w := range want {
		if got := f.cell("SELECT is_repeat " + rec(id)); got != w {
			t.Errorf("record %s: is_repeat = %v, want %v", id, got, w)
		}
	}
}

func TestBaseNotCeasedAndAsOf(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		// Closed 2024-01-10. Return 2024-07-08 = 180 days later (Jan 21 + Feb 29 + Mar 31 +
		// Apr 30 + May 31 + Jun 30 = 172, + 8 = 180), at another unit: not ceased.
		P{ID: "1", Unit: "A", Received: "2024-01-02", Petitioner: "p", Matter: "m", Closed: "2024-01-10 15:00:00"},
		P{ID: "2", Unit: "B", Received: "2024-07-08", Petitioner: "p", Matter: "m"},
		// Closed 2024-01-10, return 2024-07-09 = 181 days: ceased.
		P{ID: "3", Unit: "A", Received: "2024-01-02", Petitioner: "q", Matter: "m", Closed: "2024-01-10"},
		P{ID: "4", Unit: "A", Received: "2024-07-09", Petitioner: "q", Matter: "m"},
		// Return on the closure date itself is not "later": ceased.
		P{ID: "5", Unit: "A", Received: "2024-02-01", Petitioner: "r", Matter: "m", Closed: "2024-02-05 09:00:00"},
		P{ID: "6", Unit: "A", Received: "2024-02-05 18:00:00", Petitioner: "r", Matter: "m"},
		// Return after the as-of date does not count; closure after as_of is not closed.
		P{ID: "7", Unit: "A", Received: "2024-06-01", Petitioner: "s", Matter: "m", Closed: "2024-06-05"},
		P{ID: "8", Unit: "A", Received: "2024-08-01", Petitioner: "s", Matter: "m"},
		P{ID: "9", Unit: "A", Received: "2024-06-01", Petitioner: "t", Closed: "2024-08-01", Followup: "2024-07-31"},
	)
	f.build("2024-07-31")
	f.eqStr("true", "SELECT not_ceased::VARCHAR "+rec("1"))
	f.eqStr("false", "SELECT not_ceased::VARCHAR "+rec("3"))
	f.eqStr("false", "SELECT not_ceased::VARCHAR "+rec("5"))
	f.eqStr("false", "SELECT not_ceased::VARCHAR "+rec("7"))
	f.eqNull("SELECT not_ceased " + rec("2")) // not closed
	f.eqNull("SELECT closed_date " + rec("9"))
	f.eqInt(1, "SELECT count(*) "+rec("9")+" AND followup_date = DATE '2024-07-31'")
	f.eqInt(0, "SELECT count(*) "+rec("8"))
}

func TestBaseTracked(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.source("s1", "closed_at")
	f.source("s2", "closed_at", "petitioner_id")
	f.source("s3", "satisfaction") // no records: does not make satisfaction tracked
	f.add(
		P{Source: "s1", ID: "1", Unit: "A", Received: "2024-01-02", Petitioner: "p"},
		P{Source: "s2", ID: "1", Unit: "A", Received: "2024-01-03", Petitioner: "p"},
	)
	f.build("2024-03-31")
	f.eqStr("true", "SELECT tracked::VARCHAR FROM mart.tracked WHERE field = 'petitioner_id'")
	f.eqStr("false", "SELECT tracked::VARCHAR FROM mart.tracked WHERE field = 'satisfaction'")
	f.eqStr("false", "SELECT satisfaction::VARCHAR FROM mart.tracked_row")
	f.eqStr("true", "SELECT closed_at::VARCHAR FROM mart.tracked_row")
	// s1 does not map petitioner_id: its record's repeat flag is NULL; s2's is false
	// (the s1 value "p" is not a tracked petitioner).
	f.eqNull("SELECT is_repeat FROM mart.records WHERE source = 's1'")
	f.eqStr("false", "SELECT is_repeat::VARCHAR FROM mart.records WHERE source = 's2'")
}

func TestBasePetitionerCounts(t *testing.T) {
	f := newFixture(t)
	// P has children C1, C2; G is C2's child.
	f.units(U{ID: "P"}, U{ID: "C1", Parent: "P"}, U{ID: "C2", Parent: "P"}, U{ID: "G", Parent: "C2"})
	f.add(
		// a at both siblings C1 and C2 (the multi-unit path), b at P and G, c twice at G
		// (the second is a repeat: same key (G, blank category), 1 day apart).
		P{ID: "1", Unit: "C1", Received: "2024-01-02", Petitioner: "a", Matter: "x"},
		P{ID: "2", Unit: "C2", Received: "2024-01-03", Petitioner: "a", Matter: "y"},
		P{ID: "3", Unit: "P", Received: "2024-01-04", Petitioner: "b"},
		P{ID: "4", Unit: "G", Received: "2024-01-05", Petitioner: "b"},
		P{ID: "5", Unit: "G", Received: "2024-01-06", Petitioner: "c"},
		P{ID: "6", Unit: "G", Received: "2024-01-07", Petitioner: "c"},
	)
	f.build("2024-01-31")
	pc := func(col, u string, rollup bool) string {
		return "SELECT " + col + " FROM mart.petitioner_counts WHERE " + key(u, rollup, "2024-01")
	}
	// P with descendants: {a, b, c} = 3 (a and b counted once although at two units each).
	f.eqInt(3, pc("petitioners", "P", true))
	f.eqInt(1, pc("petitioners", "P", false)) // b
	f.eqInt(3, pc("petitioners", "C2", true)) // a at C2, b and c at G
	f.eqInt(1, pc("petitioners", "C1", true)) // a
	f.eqInt(2, pc("petitioners", "G", false)) // b, c
	f.eqInt(3, pc("petitioners", "ALL", true))
	// repeat petitioners: c only, counted in G, C2 and P scopes.
	f.eqInt(1, pc("repeat_petitioners", "P", true))
	f.eqInt(1, pc("repeat_petitioners", "G", false))
	f.eqInt(0, pc("repeat_petitioners", "C1", true))
	// Same for the quarter and year rows.
	f.eqInt(3, "SELECT petitioners FROM mart.petitioner_counts WHERE "+key("P", true, "2024"))
}

// The record copy declares FSST on its near-unique text columns (spec.Fields marked
// NearUnique) rather than leaving DuckDB to try a dictionary on them first, and stores the
// other text fields (and the source name) as ENUM codes of types made from the values
// present; mart.records shows every one of them as VARCHAR again, with the same values.
// Two records with made-up values: after a checkpoint every data segment of the
// near-unique columns is FSST (left to itself DuckDB stores such short columns
// uncompressed or as a dictionary); unit_id and channel are ENUMs in the table and text in
// the view.
func TestBaseRecordCopyNearUniqueTextFSST(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"}, U{ID: "B"})
	f.add(
		P{ID: "1", Unit: "A", Received: "2024-01-05", Petitioner: "p1", Matter: "m1", Channel: "visit"},
		P{ID: "2", Unit: "B", Received: "2024-01-06", Petitioner: "p2", Matter: "m2"},
	)
	f.build("2024-02-15")
	schema := f.str(`SELECT table_schema FROM information_schema.tables
		WHERE table_name = 'record_rows' AND table_type = 'BASE TABLE'`)
	f.exec("CHECKPOINT")
	q := `SELECT coalesce(string_agg(DISTINCT compression, ',' ORDER BY compression), '')
		FROM pragma_storage_info('` + schema + `.record_rows')
		WHERE segment_type = 'VARCHAR' AND column_name = ?`
	colType := func(table, col string) string {
		return f.str(`SELECT data_type FROM information_schema.columns
			WHERE table_schema = ? AND table_name = ? AND column_name = ?`, schema, table, col)
	}
	n, coded := 0, 0
	for _, fd := range spec.Fields {
		text := fd.Kind == spec.String || fd.Kind == spec.Enum
		switch {
		case fd.NearUnique:
			n++
			f.eqStr("FSST", q, fd.Name)
			f.eqStr("VARCHAR", "SELECT typeof("+fd.Name+") FROM mart.records LIMIT 1")
		case text:
			coded++
			if got := colType("record_rows", fd.Name); !strings.HasPrefix(got, "ENUM") {
				t.Errorf("record_rows.%s is %s, want its ENUM code type", fd.Name, got)
			}
			f.eqStr("VARCHAR", "SELECT typeof("+fd.Name+") FROM mart.records LIMIT 1")
		}
	}
	if n == 0 || coded == 0 {
		t.Fatalf("%d near-unique and %d coded text fields, want some of each", n, coded)
	}
	f.eqStr("VARCHAR", "SELECT typeof(source) FROM mart.records LIMIT 1")
	f.eqStr("A,B", "SELECT string_agg(unit_id, ',' ORDER BY unit_id) FROM mart.records")
	f.eqStr("visit", "SELECT channel FROM mart.records WHERE petition_id = '1'")
	f.eqInt(1, "SELECT count(*) FROM mart.records WHERE channel IS NULL")
}
