package cmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/store"
)

// TestRunEndToEnd runs `xinfang run` on a small synthetic source exactly as a user
// would (config file, --as-of), then checks what the foundation promises: the report
// exists, the run is recorded, `export volume` prints the documented columns and its
// ALL total equals the stored records, and no raw petitioner id from the source file
// reaches the database file or any report file.
func TestRunEndToEnd(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "x.yaml")
	cfg := "database: " + filepath.Join(dir, "var", "x.duckdb") + "\n" +
		"reports_dir: " + filepath.Join(dir, "var", "reports") + "\n" +
		"pseudonym: {key_file: " + filepath.Join(dir, "var", "key") + "}\n" +
		"sources:\n  - name: synthetic\n    kind: synthetic\n    synthetic: {records: 3000, seed: 5, years: 3}\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "run", "--config", cfgPath, "--as-of", "2026-06-30")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	index := filepath.Join(dir, "var", "reports", "index.html")
	if !strings.Contains(out, "as of 2026-06-30") || !strings.Contains(out, index) {
		t.Errorf("run summary lacks the as-of date or the report path:\n%s", out)
	}
	if _, err := os.Stat(index); err != nil {
		t.Fatalf("report index: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "var", "reports", "assets", "echarts.min.js")); err != nil {
		t.Fatalf("ECharts is not shipped beside the report: %v", err)
	}

	out, err = runCmd(t, "export", "volume", "--config", cfgPath, "--format", "csv")
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("export csv: %v\n%.300s", err, out)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range []string{"unit_id", "rollup", "period_type", "period", "petitions", "petitioners", "persons", "collective_visits", "yoy_pct", "pop_pct"} {
		if _, ok := col[c]; !ok {
			t.Errorf("export volume lacks column %s (header %v)", c, recs[0])
		}
	}

	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "var", "x.duckdb"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var stored int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM petitions WHERE received_date <= DATE '2026-06-30'").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := db.QueryRowContext(ctx, "SELECT status FROM job_runs WHERE job = 'run' AND trigger = 'manual' ORDER BY run_id DESC LIMIT 1").Scan(&status); err != nil || status != "ok" {
		t.Errorf("job_runs manual run: status %q, %v", status, err)
	}
	db.Close()
	// The exported yearly ALL rows add up to every stored record (as-of filter included).
	var sum int64
	for _, r := range recs[1:] {
		if r[col["unit_id"]] == "ALL" && r[col["period_type"]] == "year" {
			var n int64
			for _, ch := range r[col["petitions"]] {
				n = n*10 + int64(ch-'0')
			}
			sum += n
		}
	}
	if stored == 0 || sum != stored {
		t.Errorf("ALL yearly petitions = %d, stored records = %d", sum, stored)
	}

	// Privacy: collect the raw petitioner ids of the generated source file, then scan the
	// database file and every report file for ID-card-shaped tokens.
	raw := map[string]bool{}
	err = filepath.Walk(filepath.Join(dir, "var"), func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Name() == "petitions.csv" {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil {
				return err
			}
			pi := -1
			for i, h := range rows[0] {
				if h == "petitioner_id" {
					pi = i
				}
			}
			for _, r := range rows[1:] {
				if r[pi] != "" {
					raw[r[pi]] = true
				}
			}
		}
		return nil
	})
	if err != nil || len(raw) == 0 {
		t.Fatalf("read raw petitioner ids: %v (%d)", err, len(raw))
	}
	idRe := regexp.MustCompile(`[0-9]{17}[0-9X]`)
	hits := func(b []byte) int {
		n := 0
		for _, tok := range idRe.FindAll(b, -1) {
			if raw[string(tok)] {
				n++
			}
		}
		return n
	}
	scan := func(p string) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if n := hits(b); n > 0 {
			t.Errorf("%d raw petitioner ids found in %s", n, p)
		}
	}
	// Positive control: the scan finds the raw ids in the generated source file.
	var srcFile string
	filepath.Walk(filepath.Join(dir, "var"), func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Name() == "petitions.csv" {
			srcFile = p
		}
		return nil
	})
	if b, err := os.ReadFile(srcFile); err != nil || hits(b) < len(raw) {
		t.Fatalf("the id scan is blind: %d hits in the source file %s holding %d raw ids (%v)", hits(b), srcFile, len(raw), err)
	}
	// The database file and its WAL (records not yet checkpointed live only there).
	dbBytes, err := os.ReadFile(filepath.Join(dir, "var", "x.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if wal, err := os.ReadFile(filepath.Join(dir, "var", "x.duckdb.wal")); err == nil {
		dbBytes = append(dbBytes, wal...)
	}
	if n := hits(dbBytes); n > 0 {
		t.Errorf("%d raw petitioner ids found in the database file or its WAL", n)
	}
	// Control: stored text is visible in those bytes, so a raw id would be too.
	if !bytes.Contains(dbBytes, []byte("监狱管理")) {
		t.Error("no stored category found in the database bytes: the byte scan is blind")
	}
	filepath.Walk(filepath.Join(dir, "var", "reports"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.HasSuffix(p, ".js") {
			scan(p)
		}
		return nil
	})
}
