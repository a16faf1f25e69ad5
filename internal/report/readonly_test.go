package report_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

// The report is read-only: it renders from a copy of the test database whose file
// is 0444 and which is opened read-only, so any write would fail the render.
func TestRenderFromReadOnlyDatabase(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	if _, err := testDB.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.duckdb")
	copyFile(t, testCfg.Database, ro)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, ro, store.Options{TimeZone: testCfg.TimeZone, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE probe (x INTEGER)`); err == nil {
		t.Fatal("the read-only database accepted a write; the test would prove nothing")
	}
	res, err := report.Render(ctx, db.DB, testCfg, report.Options{AsOf: testAsOf, OutDir: filepath.Join(dir, "site")})
	if err != nil {
		t.Fatalf("render from a read-only database: %v", err)
	}
	if _, err := os.Stat(res.Index); err != nil || res.Pages < 10 {
		t.Errorf("rendered %d pages, index: %v", res.Pages, err)
	}
}

// Marts from a build that lacks a table the report reads (an earlier version's SQL): the
// render fails naming the table and saying how to rebuild, and leaves no site behind.
func TestRenderNamesAMissingMartAndTheRebuild(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	if _, err := testDB.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "old.duckdb")
	copyFile(t, testCfg.Database, path)
	db, err := store.Open(ctx, path, store.Options{TimeZone: testCfg.TimeZone, Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DROP VIEW mart.open_supervised`); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "site")
	_, err = report.Render(ctx, db.DB, testCfg, report.Options{AsOf: testAsOf, OutDir: out})
	if err == nil || !strings.Contains(err.Error(), "mart.open_supervised does not exist") || !strings.Contains(err.Error(), "run xinfang compute") {
		t.Fatalf("render without mart.open_supervised: %v, want an error naming it and the rebuild", err)
	}
	if _, serr := os.Stat(filepath.Join(out, "index.html")); serr == nil {
		t.Error("a failed render published a site")
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
