package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestOpenMigratesAndSetsTimeZone(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.duckdb")
	db, err := Open(ctx, path, Options{TimeZone: "Asia/Shanghai", Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var tz string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('TimeZone')").Scan(&tz); err != nil {
		t.Fatal(err)
	}
	if tz != "Asia/Shanghai" {
		t.Fatalf("TimeZone = %q", tz)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	if n != len(ms) {
		t.Fatalf("applied %d migrations, have %d", n, len(ms))
	}
	db.Close()
	// Reopening applies nothing twice.
	db, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n)
	if n != len(ms) {
		t.Fatalf("after reopen: %d rows", n)
	}
	db.Close()
}

func TestSecondWriterRefusedNamingHolder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.duckdb")
	db, err := Open(ctx, path, Options{Purpose: "first writer"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(ctx, path, Options{Purpose: "second"})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if got := err.Error(); !contains(got, "first writer") || !contains(got, "pid") {
		t.Fatalf("message does not name the holder: %s", got)
	}
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
