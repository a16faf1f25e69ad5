package orchestrate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// TestReviewCopyPathsAgree: a review of a database opened read-only copies the file
// itself; one of a database opened for writing copies the stored tables through
// Parquet. Both reviews of the same quarter, into two report folders, must snapshot
// the same marts, every row, build_info's clock time aside.
func TestReviewCopyPathsAgree(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	ctx := context.Background()
	db := liveRun(t, cfg, orchestrate.Options{SkipReport: true})
	viaParquet, viaFile := filepath.Join(dir, "parquet"), filepath.Join(dir, "file")
	if _, err := orchestrate.Review(ctx, db, cfg, orchestrate.ReviewOptions{Quarter: "2026-Q1", OutDir: viaParquet, NoBrief: true}); err != nil {
		t.Fatalf("review of the writable database: %v", err)
	}
	db.Close()
	ro := orchestrate.StoreOptions(cfg, "test")
	ro.ReadOnly = true
	db, err := store.Open(ctx, cfg.Database, ro)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := orchestrate.Review(ctx, db, cfg, orchestrate.ReviewOptions{Quarter: "2026-Q1", OutDir: viaFile, NoBrief: true}); err != nil {
		t.Fatalf("review of the read-only database: %v", err)
	}
	snaps, _ := filepath.Glob(filepath.Join(archive.Dir(viaParquet, "2026-Q1"), archive.MartsDir, "*.parquet"))
	if len(snaps) < 40 {
		t.Fatalf("%d mart snapshots, want every mart", len(snaps))
	}
	for _, a := range snaps {
		name := filepath.Base(a)
		b := filepath.Join(archive.Dir(viaFile, "2026-Q1"), archive.MartsDir, name)
		if _, err := os.Stat(b); err != nil {
			t.Errorf("%s: missing from the file-copy review: %v", name, err)
			continue
		}
		sel := "*"
		if name == "build_info.parquet" {
			sel = "* EXCLUDE (built_at)"
		}
		q := func(x, y string) string {
			return `SELECT count(*) FROM (SELECT ` + sel + ` FROM read_parquet('` + x + `') EXCEPT ALL SELECT ` + sel + ` FROM read_parquet('` + y + `'))`
		}
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			var n int
			if err := db.QueryRow(q(pair[0], pair[1])).Scan(&n); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if n != 0 {
				t.Errorf("%s: %d rows of %s not in the other review", name, n, strings.TrimPrefix(pair[0], dir))
			}
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".x.duckdb.review-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
