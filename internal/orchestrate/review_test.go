package orchestrate_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

const liveAsOf = "2026-05-20"

// testConfig is a small synthetic source under dir, as of liveAsOf; the parent and
// the child process of the kill test build it alike.
func testConfig(dir string) *config.Config {
	cfg := config.Default()
	cfg.AsOf = liveAsOf
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.ReportsDir = filepath.Join(dir, "reports")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources[0].Synthetic.Records = 3000
	cfg.Sources[0].Synthetic.Years = 2
	cfg.Report.Xlsx = false
	return cfg
}

// liveRun runs the main job on cfg into a new database, left open for writing.
func liveRun(t *testing.T, cfg *config.Config, opt orchestrate.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg.Database, orchestrate.StoreOptions(cfg, "test"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orchestrate.Run(context.Background(), db, cfg, opt); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db
}

func martsAsOf(t *testing.T, cfg *config.Config) string {
	t.Helper()
	db, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var d time.Time
	if err := db.QueryRow(`SELECT max(as_of) FROM mart.trend`).Scan(&d); err != nil {
		t.Fatal(err)
	}
	return d.Format("2006-01-02")
}

// A `report --quarter` killed with SIGKILL at any step of the review leaves the
// live marts (still as of the live date), the published site and the archive list
// as they were, and the next review of the quarter succeeds and cleans up after the
// killed one. The child is a real process (this test binary) running
// orchestrate.Report as `xinfang report --quarter` does. It is killed either where
// it stops after saying it reached a step (every step before done), or while it
// runs on right after saying so (in the middle of building the review's marts, the
// point at which the old in-place review had the live marts at the quarter's end).
func TestReviewKilledLeavesLiveMarts(t *testing.T) {
	if dir := os.Getenv("XINFANG_REVIEW_CHILD"); dir != "" {
		reviewChild(dir)
		return
	}
	dir := t.TempDir()
	cfg := testConfig(dir)
	ctx := context.Background()
	liveRun(t, cfg, orchestrate.Options{}).Close()
	index := filepath.Join(cfg.ReportsDir, "index.html")
	siteBefore, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	if got := martsAsOf(t, cfg); got != liveAsOf {
		t.Fatalf("live marts as of %s, want %s", got, liveAsOf)
	}

	for _, k := range []struct {
		step string
		stop bool
	}{
		{"copying the stored records", true}, {"building the marts", true}, {"building the marts", false},
		{"rendering the review", true}, {"writing the Parquet snapshot", true},
	} {
		step, stop := k.step, ""
		if k.stop {
			stop = step
		}
		child := exec.Command(os.Args[0], "-test.run=^TestReviewKilledLeavesLiveMarts$", "-test.count=1")
		child.Env = append(os.Environ(), "XINFANG_REVIEW_CHILD="+dir, "XINFANG_REVIEW_STOP="+stop)
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		reached := false
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), step) {
				reached = true
				child.Process.Kill() // SIGKILL: no deferred cleanup runs
				break
			}
		}
		child.Wait()
		if !reached {
			t.Fatalf("the child never reached %q", step)
		}
		if got := martsAsOf(t, cfg); got != liveAsOf {
			t.Errorf("killed at %q: live marts as of %s, want %s", step, got, liveAsOf)
		}
		if after, _ := os.ReadFile(index); !bytes.Equal(after, siteBefore) {
			t.Errorf("killed at %q: the live index changed", step)
		}
		if archive.Exists(cfg.ReportsDir, "2026-Q1") {
			t.Errorf("killed at %q: a (half) archive was published", step)
		}
	}

	// The next review completes, removes what the killed ones left, and the live
	// site is re-rendered to list the archive.
	db, err := store.Open(ctx, cfg.Database, store.Options{TimeZone: cfg.TimeZone, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	res, err := orchestrate.Report(ctx, db, cfg, orchestrate.ReportOptions{Quarter: "2026-Q1", Progress: &progress})
	db.Close()
	if err != nil {
		t.Fatalf("review after the kills: %v", err)
	}
	if res.Review == nil || res.Site == nil || res.AsOf.Format("2006-01-02") != liveAsOf {
		t.Fatalf("report result = %+v", res)
	}
	for _, want := range []string{"building the marts as of 2026-03-31", "re-rendering the live site (as of " + liveAsOf + ")"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, progress.String())
		}
	}
	if live, _ := os.ReadFile(index); !bytes.Contains(live, []byte(`href="archive/2026-Q1/index.html"`)) {
		t.Error("the live index does not list the new archive")
	}
	if got := martsAsOf(t, cfg); got != liveAsOf {
		t.Errorf("after the review: live marts as of %s, want %s", got, liveAsOf)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".x.duckdb.review-*"))
	tmps, _ := filepath.Glob(filepath.Join(archive.Root(cfg.ReportsDir), ".2026-Q1.tmp-*"))
	if len(left)+len(tmps) > 0 {
		t.Errorf("left behind: %v %v", left, tmps)
	}
}

// reviewChild is the child process: `xinfang report --quarter 2026-Q1` on the
// database, printing progress on stdout for the parent to read.
func reviewChild(dir string) {
	cfg := testConfig(dir)
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.Database, store.Options{TimeZone: cfg.TimeZone, ReadOnly: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "review child:", err)
		os.Exit(3)
	}
	_, err = orchestrate.Report(ctx, db, cfg, orchestrate.ReportOptions{Quarter: "2026-Q1", Progress: stopAt{os.Getenv("XINFANG_REVIEW_STOP")}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "review child:", err)
		os.Exit(4)
	}
	os.Exit(0)
}

// stopAt writes progress to stdout and blocks for good after the line naming the
// step, so that the parent's SIGKILL lands exactly there.
type stopAt struct{ step string }

func (s stopAt) Write(p []byte) (int, error) {
	n, err := os.Stdout.Write(p)
	if s.step != "" && bytes.Contains(p, []byte(s.step)) {
		for {
			time.Sleep(time.Hour)
		}
	}
	return n, err
}
