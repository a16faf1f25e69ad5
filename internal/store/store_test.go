package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/spec"
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
	n = -1
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatalf("after reopen: %v", err)
	}
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
	if got := err.Error(); !strings.Contains(got, "first writer") || !strings.Contains(got, "pid") {
		t.Fatalf("message does not name the holder: %s", got)
	}
}

func TestEngineSettingsApplyToEveryConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"), Options{MemoryLimit: "1GB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Two connections at once, so the pool must open a second one through the init.
	c1, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for _, c := range []*sql.Conn{c1, c2} {
		var threads int64
		var mem string
		if err := c.QueryRowContext(ctx, "SELECT current_setting('threads'), current_setting('memory_limit')").Scan(&threads, &mem); err != nil {
			t.Fatal(err)
		}
		// DuckDB reports 1GB as "953.6 MiB" (1e9 bytes in binary units).
		if threads != 1 || !strings.Contains(mem, "953") {
			t.Errorf("threads = %d, memory_limit = %q", threads, mem)
		}
	}
}

// The open context is the command's, which SIGTERM cancels; connections the pool opens
// afterwards (a job finishing in its grace period) must still get their settings.
func TestConnectionsOpenAfterOpenContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"), Options{TimeZone: "Asia/Shanghai", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cancel()
	// Hold three connections at once: at least two are new, opened after cancel.
	bg := context.Background()
	var conns []*sql.Conn
	for i := 0; i < 3; i++ {
		c, err := db.Conn(bg)
		if err != nil {
			t.Fatalf("connection %d after the open context was cancelled: %v", i+1, err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var tz string
		if err := c.QueryRowContext(bg, "SELECT current_setting('TimeZone')").Scan(&tz); err != nil || tz != "Asia/Shanghai" {
			t.Errorf("connection %d: TimeZone %q, %v", i+1, tz, err)
		}
	}
}

// A process killed after the migrations committed but before a checkpoint leaves them
// in the WAL; the next open must replay them (DuckDB cannot replay every ALTER).
func TestMigrationsReplayFromWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.duckdb")
	db, err := Open(ctx, path, Options{TimeZone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA disable_checkpoint_on_shutdown"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	db.Close()
	if fi, err := os.Stat(path + ".wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no WAL left to replay: %v", err)
	}
	db, err = Open(ctx, path, Options{TimeZone: "Asia/Shanghai"})
	if err != nil {
		t.Fatalf("reopen (WAL replay): %v", err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	if n != len(ms) {
		t.Fatalf("after replay: %d migrations recorded, have %d", n, len(ms))
	}
}

// Migration 0007: the near-unique text columns of petitions (spec.Fields marked
// NearUnique) are stored with FSST whatever their values; the others keep DuckDB's own
// choice. The database is closed and reopened first, so the declarations are read back
// from the file as every later ingest meets them. 4,000 rows in which petitioner_id and
// matter_id repeat four values each, as handler_id and channel do: left to itself DuckDB
// stores such a column as a dictionary (handler_id and channel show it), declared it is
// FSST. petition_id, the key, cannot repeat; for it the test only shows FSST holds.
func TestPetitionsNearUniqueTextStoredFSST(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.duckdb")
	db, err := Open(ctx, path, Options{TimeZone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, path, Options{TimeZone: "Asia/Shanghai"}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO petitions (source, petition_id, received_at, received_date, unit_id, petitioner_id, matter_id, channel, handler_id)
		 SELECT 's', 'P' || i, TIMESTAMP '2026-01-01 09:00:00', DATE '2026-01-01', 'U1',
		        'person ' || (i % 4), 'matter ' || (i % 4), 'visit', 'handler ' || (i % 4)
		 FROM range(4000) r(i)`,
		"CHECKPOINT",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT column_name, list(DISTINCT compression ORDER BY compression)::VARCHAR
		FROM pragma_storage_info('petitions')
		WHERE segment_type = 'VARCHAR' GROUP BY column_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var c, comp string
		if err := rows.Scan(&c, &comp); err != nil {
			t.Fatal(err)
		}
		got[c] = comp
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range spec.Fields {
		if f.NearUnique {
			n++
			if got[f.Name] != "[FSST]" {
				t.Errorf("%s stored as %s, want [FSST]", f.Name, got[f.Name])
			}
		}
	}
	if n == 0 {
		t.Fatal("no field is marked NearUnique")
	}
	for _, c := range []string{"channel", "handler_id"} {
		if got[c] != "[Dictionary]" {
			t.Errorf("%s stored as %q, want DuckDB's own choice for repeated values, [Dictionary]", c, got[c])
		}
	}
}
