package cmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xinfang/xinfang/internal/export"
	"github.com/xinfang/xinfang/internal/store"
)

// exportFixture writes a database with two units and five records and a config file
// pointing at it; returns the config path and the database path.
func exportFixture(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "x.duckdb")
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, store.Options{TimeZone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO sources VALUES ('s1', 'test', ['petitioner_id', 'channel', 'closed_at'], NULL, NULL, NULL)`,
		`INSERT INTO units VALUES ('A', '甲', NULL, 'city', 'bureau', NULL), ('B', '乙', 'A', 'county', 'bureau', NULL)`,
		`INSERT INTO petitions (source, petition_id, received_at, received_date, unit_id, petitioner_id, channel) VALUES
			('s1', '1', '2024-01-05', '2024-01-05', 'A', 'p', 'visit'),
			('s1', '2', '2024-01-06', '2024-01-06', 'B', 'p', 'letter'),
			('s1', '3', '2024-02-06', '2024-02-06', 'B', 'q', 'letter'),
			('s1', '4', '2024-03-01', '2024-03-01', 'A', NULL, NULL),
			('s1', '5', '2024-03-02', '2024-03-02', 'Z', 'r', 'visit')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	cfgPath := filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(cfgPath, []byte("database: "+dbPath+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	root := newRootCommand() // a fresh tree: no flag survives from another run
	root.SetOut(&buf)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return buf.String(), err
}

func TestComputeAndExport(t *testing.T) {
	cfgPath, dbPath := exportFixture(t)
	out, err := runCmd(t, "compute", "--config", cfgPath, "--as-of", "2024-03-31")
	if err != nil {
		t.Fatalf("compute: %v", err)
	}
	if !strings.Contains(out, "as of 2024-03-31") || !strings.Contains(out, "mart.volume ") {
		t.Errorf("compute output lacks the as-of date or table counts:\n%s", out)
	}

	out, err = runCmd(t, "export", "volume", "--config", cfgPath, "--unit", "A", "--rollup", "true", "--period-type", "month")
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	// Header in table order, then the 3 months 2024-01..03 in order. A with its child B:
	// January 1 + 1 = 2, February 1, March 1 (Z is unknown: ALL only).
	want := "unit_id,rollup,period_type,period,period_start,period_end,complete,petitions"
	if got := strings.Join(recs[0][:8], ","); got != want {
		t.Errorf("header = %s, want prefix %s", got, want)
	}
	if len(recs) != 4 {
		t.Fatalf("rows = %d, want header + 3:\n%s", len(recs), out)
	}
	for i, w := range [][2]string{{"2024-01", "2"}, {"2024-02", "1"}, {"2024-03", "1"}} {
		if recs[i+1][3] != w[0] || recs[i+1][7] != w[1] || recs[i+1][4] != w[0]+"-01" {
			t.Errorf("row %d = %v, want period %s petitions %s", i+1, recs[i+1], w[0], w[1])
		}
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// JSON: objects with the columns in order; year filter on a table without year fails.
	var buf bytes.Buffer
	if err := export.Table(ctx, db.DB, "mart.repeat", export.Options{Format: "json", Unit: "ALL", Period: "2024"}, &buf); err != nil {
		t.Fatalf("json: %v", err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
		t.Fatalf("json: %v\n%s", err, buf.String())
	}
	// ALL 2024: 5 petitions (Z's included); distinct non-blank petitioners p, q, r = 3.
	if len(objs) != 1 || objs[0]["petitions"] != float64(5) || objs[0]["petitioners"] != float64(3) {
		t.Errorf("json = %s", buf.String())
	}
	if !strings.HasPrefix(strings.TrimSpace(buf.String()), `[`+"\n"+`{"unit_id":"ALL","rollup":true`) {
		t.Errorf("json keys not in table order: %.80s", buf.String())
	}
	if err := export.Table(ctx, db.DB, "volume", export.Options{Format: "csv", Year: 2024}, &buf); err == nil {
		t.Error("--year on a table without a year column: want an error")
	}

	// Parquet, read back by DuckDB.
	dir := t.TempDir()
	pq := filepath.Join(dir, "v.parquet")
	if err := export.Table(ctx, db.DB, "volume", export.Options{Format: "parquet", Out: pq, PeriodType: "year"}, nil); err != nil {
		t.Fatalf("parquet: %v", err)
	}
	var n, sum int64
	if err := db.QueryRowContext(ctx, "SELECT count(*), sum(petitions) FROM read_parquet(?) WHERE unit_id = 'ALL'", pq).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 1 || sum != 5 {
		t.Errorf("parquet ALL year rows = %d, petitions = %d; want 1, 5", n, sum)
	}
	if err := export.Table(ctx, db.DB, "volume", export.Options{Format: "parquet"}, nil); err == nil {
		t.Error("parquet without --out: want an error")
	}

	// XLSX: header and typed cells.
	xl := filepath.Join(dir, "u.xlsx")
	if err := export.Table(ctx, db.DB, "unknown_units", export.Options{Format: "xlsx", Out: xl}, nil); err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	f, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("unknown_units")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "unit_id" || rows[1][0] != "Z" || rows[1][1] != "1" || rows[1][2] != "2024-03-02" {
		t.Errorf("xlsx rows = %v", rows)
	}

	// Table names are looked up, never pasted into SQL.
	for _, bad := range []string{"volume; DROP TABLE mart.volume", "petitions", "cfg_x"} {
		if err := export.Table(ctx, db.DB, bad, export.Options{Format: "csv"}, &buf); err == nil || !strings.Contains(err.Error(), "not a mart table") {
			t.Errorf("export %q: err = %v, want 'not a mart table'", bad, err)
		}
	}
}

// `export --as-of X` on marts built as of another date used to print the other
// date's figures with exit 0. It is refused with how to rebuild, or rebuilds with
// --rebuild; without --as-of the marts are exported as built.
func TestExportChecksAsOf(t *testing.T) {
	cfgPath, _ := exportFixture(t)
	if _, err := runCmd(t, "export", "volume", "--config", cfgPath); err == nil || !strings.Contains(err.Error(), "xinfang compute") {
		t.Errorf("export before any build: err = %v, want how to build the marts", err)
	}
	if _, err := runCmd(t, "compute", "--config", cfgPath, "--as-of", "2024-03-31"); err != nil {
		t.Fatal(err)
	}
	_, err := runCmd(t, "export", "volume", "--config", cfgPath, "--as-of", "2024-02-29")
	if err == nil || !strings.Contains(err.Error(), "built as of 2024-03-31, not 2024-02-29") || !strings.Contains(err.Error(), "xinfang compute --as-of 2024-02-29") {
		t.Fatalf("export --as-of another date: err = %v, want a refusal naming both dates and the rebuild", err)
	}
	if _, err := runCmd(t, "report", "--config", cfgPath, "--as-of", "2024-02-29", "--out", t.TempDir()); err == nil || !strings.Contains(err.Error(), "built as of 2024-03-31") {
		t.Errorf("report --as-of another date: err = %v, want a refusal", err)
	}
	if _, err := runCmd(t, "export", "volume", "--config", cfgPath, "--as-of", "2024-03-31"); err != nil {
		t.Errorf("export --as-of the build's date: %v", err)
	}
	// --rebuild: rebuilt as of 2024-02-29, so ALL has January (records 1, 2) and
	// February (record 3) only; March is after the as-of date.
	out, err := runCmd(t, "export", "volume", "--config", cfgPath, "--as-of", "2024-02-29", "--rebuild", "--unit", "ALL", "--period-type", "month")
	if err != nil {
		t.Fatalf("export --rebuild: %v", err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1][3] != "2024-01" || recs[1][7] != "2" || recs[2][3] != "2024-02" || recs[2][7] != "1" {
		t.Errorf("rebuilt export = %v, want 2024-01: 2, 2024-02: 1", recs)
	}
	if _, err := runCmd(t, "export", "volume", "--config", cfgPath, "--as-of", "2024-02-29"); err != nil {
		t.Errorf("after the rebuild the marts are as of 2024-02-29: %v", err)
	}
}
