package jobs

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// testConfig is the default config pointed at a fresh folder, with a tiny synthetic
// source, no catch-up and the nightly/quarterly specs set far away unless a test
// sets its own (every second: "*/1 * * * * *").
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.ReportsDir = filepath.Join(dir, "reports")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources[0].Synthetic.Records = 2000
	cfg.Sources[0].Synthetic.Years = 2
	cfg.Jobs.Nightly = "0 0 2 1 1 *"
	cfg.Jobs.Quarterly = "0 0 6 1 1,4,7,10 *"
	cfg.Jobs.HourlyPull = ""
	cfg.Jobs.CatchUp = false
	cfg.Jobs.Retries = 0
	cfg.Jobs.Backoff = 10 * time.Millisecond
	cfg.Jobs.GracePeriod = 5 * time.Second
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config invalid: %v", err)
	}
	return cfg
}

func newScheduler(t *testing.T, cfg *config.Config, bodies map[string]Func) *Scheduler {
	t.Helper()
	s, err := New(context.Background(), Options{Config: cfg, Jobs: bodies})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if !s.stopping() {
			_ = s.Shutdown(time.Second)
		}
		_ = s.Close()
	})
	return s
}

// runs reads every job_runs row, oldest first.
func runs(t *testing.T, db *store.DB) []RunRow {
	t.Helper()
	rows, err := db.Query(`SELECT run_id, job, trigger, started_at, finished_at, status, coalesce(rows_in, 0), coalesce(rows_out, 0),
		coalesce(error, ''), coalesce(detail, '') FROM job_runs ORDER BY run_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		r, err := scanRun(rows, dbLocation(db))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func countStatus(rs []RunRow, job, status string) int {
	n := 0
	for _, r := range rs {
		if r.Job == job && r.Status == status {
			n++
		}
	}
	return n
}

// waitFor polls cond every 50 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func detailOf(t *testing.T, r RunRow) map[string]any {
	t.Helper()
	var d map[string]any
	if r.Detail == "" {
		return d
	}
	if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
		t.Fatalf("run %d detail %q: %v", r.RunID, r.Detail, err)
	}
	return d
}

// sleepJob sleeps d (or until cancelled) and reports rows.
func sleepJob(d time.Duration, rowsIn, rowsOut int64) Func {
	return func(ctx context.Context, r *Run) (Outcome, error) {
		select {
		case <-time.After(d):
			return Outcome{RowsIn: rowsIn, RowsOut: rowsOut}, nil
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		}
	}
}

// assertNoOverlap checks that no two runs that did work overlap in time.
func assertNoOverlap(t *testing.T, rs []RunRow) {
	t.Helper()
	var worked []RunRow
	for _, r := range rs {
		if r.Status != StatusSkipped {
			worked = append(worked, r)
		}
	}
	for i := 1; i < len(worked); i++ {
		prev, cur := worked[i-1], worked[i]
		if prev.Finished == nil {
			t.Errorf("run %d has no finished_at", prev.RunID)
			continue
		}
		if cur.Started.Before(*prev.Finished) {
			t.Errorf("run %d (%s) started %s before run %d (%s) finished %s", cur.RunID, cur.Job,
				cur.Started.Format("15:04:05.000"), prev.RunID, prev.Job, prev.Finished.Format("15:04:05.000"))
		}
	}
}

// runsAfter reopens the database after the scheduler closed it and reads job_runs.
func runsAfter(t *testing.T, cfg *config.Config) []RunRow {
	t.Helper()
	db, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone})
	if err != nil {
		t.Fatalf("reopen after shutdown: %v", err)
	}
	defer db.Close()
	return runs(t, db)
}
