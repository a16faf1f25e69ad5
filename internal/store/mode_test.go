package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Issue 10 item 14: the database, its WAL (recreated by DuckDB after every
// checkpoint) and its lock file are 0600, and a database made 0644 before is
// tightened on the next writing open. SiteUmask still reports the umask the
// process started with, for files meant to be shared.
func TestDatabaseFilesAre0600(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.duckdb")
	before := SiteUmask()
	db, err := Open(context.Background(), p, Options{Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, files ...string) {
		t.Helper()
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s: %s mode %v, want 0600", when, filepath.Base(f), st.Mode().Perm())
			}
		}
	}
	mustExec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`CREATE TABLE t AS SELECT range AS i FROM range(1000)`)
	check("after a write", p, p+".wal", p+".lock")
	mustExec(`CHECKPOINT`)
	mustExec(`INSERT INTO t VALUES (1)`) // a fresh WAL
	check("after a checkpoint and a write", p, p+".wal")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got := SiteUmask(); got != before {
		t.Errorf("SiteUmask = %o after opening, want the original %o", got, before)
	}

	// A database left 0644 by an older version.
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = Open(context.Background(), p, Options{Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	check("reopened", p)
}

// The meta table (migration 0002) stores and replaces values.
func TestMeta(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "m.duckdb"), Options{Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if v, err := GetMeta(ctx, db, "k"); err != nil || v != "" {
		t.Fatalf("unset: %q, %v", v, err)
	}
	for _, want := range []string{"a", "b"} {
		if err := SetMeta(ctx, db, "k", want); err != nil {
			t.Fatal(err)
		}
		if v, err := GetMeta(ctx, db, "k"); err != nil || v != want {
			t.Fatalf("got %q, %v; want %q", v, err, want)
		}
	}
}
