package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// A first load goes straight into petitions record by record; a petition_id met
// again several records later (after earlier records were already inserted) rolls
// the batch back and reads the file again through the staging table: the result
// is the same as for a duplicate within one record, and the rejected rows and field
// warnings of the file are written once.
func TestDuplicateAcrossRecordsInFirstLoad(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("petition_id,received_at,unit_id,category,headcount\n")
	n := 3*recordRows + 100
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "P%d,2024-01-02,U,c%d,1\n", i, i%7)
	}
	b.WriteString(",2024-01-02,U,rejected: no id,1\n")
	b.WriteString("W1,2024-01-02,U,warned,zero\n")
	b.WriteString("P5,2024-01-02,U,later copy wins,1\n") // duplicate of row 7, far behind
	p := e.write("dup.csv", []byte(b.String()))
	res := e.mustIngest(canonicalCSV("s", p))
	bt := res.Batches[0]
	if bt.RowsRead != int64(n+3) || bt.Inserted != int64(n+1) || bt.Rejected != 1 || bt.Warnings != 2 || bt.Updated != 0 || bt.Unchanged != 0 {
		t.Fatalf("batch %+v; want %d read, %d inserted, 1 rejected, 2 warnings (headcount, duplicate)", bt, n+3, n+1)
	}
	expect(t, "P5", e.row("s", "P5"), map[string]string{"category": "later copy wins"})
	if got := e.count(`SELECT count(*) FROM petitions`); got != int64(n+1) {
		t.Fatalf("petitions = %d, want %d", got, n+1)
	}
	if got := e.count(`SELECT count(*) FROM rejected`); got != 3 {
		t.Fatalf("rejected rows = %d, want 3 (one reject, one field warning, one duplicate warning)", got)
	}
	if got := e.count(`SELECT count(*) FROM ingest_batches WHERE status = 'ok'`); got != 1 {
		t.Fatalf("ok batches = %d, want 1", got)
	}
}

// Migration 0004 turns the stored 32-hex-digit row hashes into their first 64 bits,
// which is what ingest computes now: re-reading the same file after the upgrade
// reports every record unchanged, none updated.
func TestRowHashMigrationKeepsUnchanged(t *testing.T) {
	e := newEnv(t)
	csv := "petition_id,received_at,unit_id,petitioner_id,category\nA1,2024-01-01,U,110101199001011234,x\nA2,2024-01-03 10:00:00,U,,y\n"
	p := e.write("a.csv", []byte(csv))
	e.mustIngest(canonicalCSV("s", p))
	// Put the table back as it was before 0004: VARCHAR hashes of 32 hex digits (the
	// second half is not recomputable in SQL; the migration drops it anyway).
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE p_old AS SELECT * EXCLUDE (row_hash), printf('%016x', row_hash) || '0123456789abcdef' AS row_hash FROM petitions`,
		`DROP TABLE petitions`,
		`ALTER TABLE p_old RENAME TO petitions`,
		`DELETE FROM schema_migrations WHERE version = 4`,
	} {
		if _, err := e.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	e.close()
	e.open() // runs 0004 again
	if typ := e.rows(`SELECT data_type FROM information_schema.columns WHERE table_name = 'petitions' AND column_name = 'row_hash'`); typ[0]["data_type"] != "UBIGINT" {
		t.Fatalf("row_hash type after migration: %v", typ)
	}
	e.cfg.Sources = []config.Source{canonicalCSV("s", p)}
	res, err := Ingest(ctx, e.db, e.cfg, IngestOptions{NoProgress: true, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if b := res.Batches[0]; b.Unchanged != 2 || b.Updated != 0 || b.Inserted != 0 {
		t.Fatalf("re-read after migration: %+v; want 2 unchanged", b)
	}
}

// A direct load runs DuckDB on one thread and the ingest lowers DuckDB's memory
// limit; both are given back when the ingest ends, also when a batch is cancelled
// half-way.
func TestEngineSettingsRestoredAfterCancelledDirectLoad(t *testing.T) {
	e := newEnv(t)
	e.cfg.DuckDB.MemoryLimit = "1GB"
	setting := func(name string) string {
		var v string
		if err := e.db.QueryRowContext(context.Background(), "SELECT current_setting('"+name+"')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, err := e.db.ExecContext(context.Background(), "SET memory_limit = '1GB'"); err != nil {
		t.Fatal(err)
	}
	threads, limit := setting("threads"), setting("memory_limit")
	var b strings.Builder
	b.WriteString("petition_id,received_at,unit_id\n")
	for i := 0; i < 3*recordRows; i++ {
		fmt.Fprintf(&b, "C%d,2024-01-02 10:00:00,U\n", i)
	}
	p := e.write("c.csv", []byte(b.String()))
	ctx, cancel := context.WithCancel(context.Background())
	staged := 0
	afterStageRecord = func() {
		staged++
		if staged == 1 {
			if got := setting("threads"); ArrowLoading && got != "1" { // no direct load without the tag
				t.Errorf("threads during the direct load = %s, want 1", got)
			}
			cancel()
		}
	}
	defer func() { afterStageRecord = nil }()
	e.cfg.Sources = []config.Source{canonicalCSV("s", p)}
	if _, err := Ingest(ctx, e.db, e.cfg, IngestOptions{NoProgress: true}); err == nil {
		t.Fatal("cancelled ingest succeeded")
	}
	if staged == 0 {
		t.Fatal("cancelled before loading anything: the test proves nothing")
	}
	if got := setting("threads"); got != threads {
		t.Errorf("threads after the ingest = %s, want %s", got, threads)
	}
	if got := setting("memory_limit"); got != limit {
		t.Errorf("memory_limit after the ingest = %s, want %s", got, limit)
	}
	if n := e.count(`SELECT count(*) FROM petitions`); n != 0 {
		t.Fatalf("cancelled batch left %d petitions", n)
	}
}
