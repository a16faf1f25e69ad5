package queries_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/store"
)

// The build goes into a staging schema and is swapped in: every mart object is then a view
// onto the newest build schema, the previous build schema is gone, a leftover half-built
// schema (a crash mid-build) is replaced, and marts from a database built before staging
// (plain tables in mart) become views. Counts are worked out by hand: 2 records, then 3.
func TestBuildStagingSwap(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"})
	f.add(P{ID: "1", Unit: "C", Received: "2024-01-05", Petitioner: "a"},
		P{ID: "2", Unit: "C", Received: "2024-01-06", Petitioner: "a"})
	// a mart table left by a build before staging, and a half-built staging schema
	f.exec(`CREATE SCHEMA IF NOT EXISTS mart`)
	f.exec(`CREATE TABLE mart.volume AS SELECT 1 AS stale`)
	f.exec(`CREATE SCHEMA mart_build_a`)
	f.exec(`CREATE TABLE mart_build_a.junk AS SELECT 1 AS x`)
	f.build("2024-06-30")
	f.eqInt(2, "SELECT petitions FROM mart.volume WHERE "+key("C", false, "2024-01"))
	f.eqInt(2, "SELECT count(*) FROM mart.records")
	f.eqInt(0, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'mart' AND table_name NOT LIKE 'cfg%'")
	f.eqInt(0, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'junk'")
	first := f.str("SELECT min(schema_name) FROM duckdb_tables() WHERE table_name = 'volume'")

	f.add(P{ID: "3", Unit: "C", Received: "2024-01-07", Petitioner: "b"})
	f.build("2024-06-30")
	f.eqInt(3, "SELECT petitions FROM mart.volume WHERE "+key("C", false, "2024-01"))
	f.eqInt(2, "SELECT petitioners FROM mart.volume WHERE "+key("C", false, "2024-01"))
	second := f.str("SELECT min(schema_name) FROM duckdb_tables() WHERE table_name = 'volume'")
	if first == second {
		t.Errorf("second build wrote into %s again; want the other staging schema", first)
	}
	f.eqInt(1, "SELECT count(DISTINCT schema_name) FROM duckdb_tables() WHERE table_name = 'volume'")
	// every view in mart reads the newest build schema
	f.eqInt(0, "SELECT count(*) FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal AND sql NOT LIKE '%"+second+".%'")
	// the code types of the record copy's text columns went with the first build's schema
	f.eqInt(0, "SELECT count(*) FROM duckdb_types() WHERE starts_with(type_name, '"+first+"_code_')")
	f.eqInt(9, "SELECT count(*) FROM duckdb_types() WHERE starts_with(type_name, '"+second+"_code_')")
}

// A process killed with SIGKILL after two builds, before DuckDB checkpointed them (so
// both live only in the WAL), leaves a database that opens and shows the second build.
// DuckDB replays the WAL on opening; it cannot replay a table whose column type lives in
// another schema, which is why the record copy's code types are kept in main. Counts by
// hand: 2 records in unit C, then a third.
func TestBuildsReplayFromTheWALAfterAKill(t *testing.T) {
	if marker := os.Getenv("XINFANG_WAL_HELPER"); marker != "" {
		f := newFixture(t)
		f.units(U{ID: "C"})
		f.add(P{ID: "1", Unit: "C", Received: "2024-01-05", Petitioner: "a", Channel: "visit"},
			P{ID: "2", Unit: "C", Received: "2024-01-06", Petitioner: "a"})
		f.build("2024-06-30")
		f.add(P{ID: "3", Unit: "C", Received: "2024-01-07", Petitioner: "b", Category: "公证"})
		f.build("2024-06-30")
		if err := os.WriteFile(marker, []byte(f.db.Path), 0o600); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute) // killed here
		return
	}
	marker := filepath.Join(t.TempDir(), "built")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBuildsReplayFromTheWALAfterAKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), "XINFANG_WAL_HELPER="+marker)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var path []byte
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		var err error
		if path, err = os.ReadFile(marker); err == nil && len(path) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper never finished its builds")
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no checkpoint, no cleanup
		t.Fatal(err)
	}
	cmd.Wait()
	defer os.RemoveAll(filepath.Dir(string(path)))
	if fi, err := os.Stat(string(path) + ".wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("want the builds in the WAL (not checkpointed): %v", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, string(path), store.Options{TimeZone: "Asia/Shanghai", Purpose: "test"})
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	var n, visits, notary int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE channel = 'visit'),
		count(*) FILTER (WHERE category = '公证') FROM mart.records`).Scan(&n, &visits, &notary); err != nil {
		t.Fatal(err)
	}
	if n != 3 || visits != 1 || notary != 1 {
		t.Errorf("mart.records after replay: %d records, %d visits, %d 公证; want 3, 1, 1", n, visits, notary)
	}
}
