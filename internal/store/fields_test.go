package store

import (
	"context"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/xinfang/xinfang/internal/spec"
)

// The petitions table holds every canonical field and nothing else besides the
// bookkeeping and derived-date columns named here, so a field added to the registry
// without a migration (or the reverse) fails.
func TestPetitionsColumnsMatchFieldRegistry(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"), Options{Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = 'petitions'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	extra := map[string]bool{"source": true, "received_date": true, "closed_date": true, "batch_id": true, "row_hash": true}
	var got []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		if !extra[c] {
			got = append(got, c)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := spec.FieldNames()
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("petitions columns %v\nregistry fields  %v", got, want)
	}
}
