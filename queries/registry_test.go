package queries_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/spec"
)

// columns returns a table's column names.
func (f *fixture) columns(schema, table string) []string {
	f.t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`, schema, table)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// strings runs q and returns its one text column, sorted.
func (f *fixture) strs(q string, args ...any) []string {
	f.t.Helper()
	rows, err := f.db.QueryContext(f.ctx, q, args...)
	if err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

// 000_base.sql spells the optional fields out four times (tracked flags per source,
// per row, in mart.records and in mart.tracked); the built tables must carry exactly
// the registry's optional fields, so a field added on one side only fails here.
func TestBaseSQLFieldsMatchRegistry(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(P{ID: "1", Unit: "A", Received: "2024-01-05"})
	f.build("2024-01-31")
	want := sorted(spec.OptionalFields())

	if got := f.strs(`SELECT field FROM mart.tracked`); !slices.Equal(got, want) {
		t.Errorf("mart.tracked fields %v\nregistry optional    %v", got, want)
	}
	if got := sorted(f.columns("mart", "tracked_row")); !slices.Equal(got, want) {
		t.Errorf("mart.tracked_row columns %v\nregistry optional        %v", got, want)
	}
	var flags []string
	for _, c := range f.columns("mart", "records") {
		if strings.HasPrefix(c, "t_") {
			flags = append(flags, strings.TrimPrefix(c, "t_"))
		}
	}
	if got := sorted(flags); !slices.Equal(got, want) {
		t.Errorf("mart.records t_* flags %v\nregistry optional      %v", got, want)
	}
}
