package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/store"
)

// A job that takes 2.5 s on a 1 s schedule: the firings while it runs are recorded as
// skipped (cron's SkipIfStillRunning, reported through its logger), runs never
// overlap, and a run still going at shutdown is cancelled after the grace period
// and recorded as cancelled — no row stays "running".
func TestOverlappingRunIsSkippedAndRecorded(t *testing.T) {
	cfg := testConfig(t)
	cfg.Jobs.Nightly = "*/1 * * * * *"
	s := newScheduler(t, cfg, map[string]Func{JobNightly: sleepJob(2500*time.Millisecond, 7, 9)})
	s.Start()
	waitFor(t, 8*time.Second, "one finished run and one skipped firing", func() bool {
		rs := runs(t, s.DB())
		return countStatus(rs, JobNightly, StatusOK) >= 1 && countStatus(rs, JobNightly, StatusSkipped) >= 1
	})
	// Let the next firing start, then stop with a short grace period so it is cancelled.
	waitFor(t, 3*time.Second, "the second run to start", func() bool { return countStatus(runs(t, s.DB()), JobNightly, StatusRunning) == 1 })
	if err := s.Shutdown(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	rs := runsAfter(t, cfg)
	var ok, skipped, cancelled int
	for _, r := range rs {
		if r.Job != JobNightly || r.Trigger != TriggerSchedule || r.Finished == nil {
			t.Errorf("unexpected row %+v", r)
		}
		switch r.Status {
		case StatusOK:
			ok++
			if r.RowsIn != 7 || r.RowsOut != 9 {
				t.Errorf("ok run %d rows = %d/%d, want 7/9", r.RunID, r.RowsIn, r.RowsOut)
			}
			if d := r.Finished.Sub(r.Started); d < 2400*time.Millisecond {
				t.Errorf("ok run %d took %s, want ≥ 2.5 s", r.RunID, d)
			}
		case StatusSkipped:
			skipped++
			d := detailOf(t, r)
			if d["running_job"] != JobNightly || !strings.Contains(fmt.Sprint(d["reason"]), "still running") {
				t.Errorf("skipped run %d detail = %v, want the running nightly named", r.RunID, d)
			}
		case StatusCancelled:
			cancelled++
			if !strings.Contains(r.Error, "context canceled") {
				t.Errorf("cancelled run error = %q", r.Error)
			}
		default:
			t.Errorf("run %d has status %s", r.RunID, r.Status)
		}
	}
	if ok < 1 || skipped < 1 || cancelled != 1 {
		t.Errorf("ok=%d skipped=%d cancelled=%d; want ≥1, ≥1, 1", ok, skipped, cancelled)
	}
	assertNoOverlap(t, rs)
}

// Different jobs never run at once: the hourly pull fires every second while a slow
// nightly runs, and those firings are recorded as skipped, naming the nightly.
func TestDifferentJobsNeverOverlap(t *testing.T) {
	cfg := testConfig(t)
	cfg.Jobs.Nightly = "*/2 * * * * *"
	cfg.Jobs.HourlyPull = "*/1 * * * * *"
	s := newScheduler(t, cfg, map[string]Func{
		JobNightly:    sleepJob(1500*time.Millisecond, 1, 1),
		JobHourlyPull: sleepJob(0, 1, 0),
	})
	s.Start()
	waitFor(t, 8*time.Second, "an hourly pull skipped because the nightly runs", func() bool {
		for _, r := range runs(t, s.DB()) {
			if r.Job == JobHourlyPull && r.Status == StatusSkipped && strings.Contains(r.Detail, `"running_job":"nightly"`) {
				return true
			}
		}
		return false
	})
	if err := s.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	rs := runsAfter(t, cfg)
	if countStatus(rs, JobNightly, StatusOK) < 1 {
		t.Errorf("no nightly finished: %+v", rs)
	}
	assertNoOverlap(t, rs)
}

// A panicking job is recovered, recorded with status panic and the message, and the
// scheduler goes on running the next firings.
func TestPanicIsRecoveredAndRecorded(t *testing.T) {
	cfg := testConfig(t)
	cfg.Jobs.Nightly = "*/1 * * * * *"
	var calls atomic.Int32
	s := newScheduler(t, cfg, map[string]Func{JobNightly: func(ctx context.Context, r *Run) (Outcome, error) {
		if calls.Add(1) == 1 {
			var m map[string]int
			m["boom"] = 1 // a real runtime panic: assignment to entry in nil map
		}
		return Outcome{RowsIn: 3}, nil
	}})
	s.Start()
	waitFor(t, 6*time.Second, "a panic then an ok run", func() bool {
		rs := runs(t, s.DB())
		return countStatus(rs, JobNightly, StatusPanic) == 1 && countStatus(rs, JobNightly, StatusOK) >= 1
	})
	if err := s.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, r := range runsAfter(t, cfg) {
		if r.Status == StatusPanic {
			if !strings.Contains(r.Error, "panic: assignment to entry in nil map") {
				t.Errorf("panic run error = %q", r.Error)
			}
			if r.Finished == nil {
				t.Error("panic run has no finished_at")
			}
			// A panic is not retried.
			if d := detailOf(t, r); d["attempts"] != float64(1) {
				t.Errorf("panic run attempts = %v, want 1", d["attempts"])
			}
		}
	}
}

// A job that fails twice with a transient error and then succeeds is one run, status
// ok, with retries=2 in detail; the waits grow exponentially from jobs.backoff.
func TestTransientErrorIsRetriedWithBackoff(t *testing.T) {
	cfg := testConfig(t)
	cfg.Jobs.Nightly = "*/1 * * * * *"
	cfg.Jobs.Retries = 3
	cfg.Jobs.Backoff = 150 * time.Millisecond
	var mu sync.Mutex
	var at []time.Time
	s := newScheduler(t, cfg, map[string]Func{JobNightly: func(ctx context.Context, r *Run) (Outcome, error) {
		mu.Lock()
		defer mu.Unlock()
		at = append(at, time.Now())
		if len(at) <= 2 {
			return Outcome{}, Transient(fmt.Errorf("source unreachable (try %d)", r.Attempt))
		}
		return Outcome{RowsIn: 5, RowsOut: 6}, nil
	}})
	s.Start()
	waitFor(t, 6*time.Second, "a successful run", func() bool { return countStatus(runs(t, s.DB()), JobNightly, StatusOK) >= 1 })
	if err := s.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	rs := runsAfter(t, cfg)
	first := rs[0]
	if first.Status != StatusOK || first.RowsIn != 5 || first.RowsOut != 6 {
		t.Fatalf("first run = %+v, want ok with rows 5/6", first)
	}
	d := detailOf(t, first)
	if d["retries"] != float64(2) || d["attempts"] != float64(3) {
		t.Errorf("detail = %v, want retries 2, attempts 3", d)
	}
	if errs, _ := d["retry_errors"].([]any); len(errs) != 2 || !strings.Contains(fmt.Sprint(errs[1]), "try 2") {
		t.Errorf("retry_errors = %v", d["retry_errors"])
	}
	mu.Lock()
	defer mu.Unlock()
	// Backoff 150 ms, then 300 ms (doubling).
	if g1, g2 := at[1].Sub(at[0]), at[2].Sub(at[1]); g1 < 150*time.Millisecond || g2 < 300*time.Millisecond {
		t.Errorf("waits between attempts = %s, %s; want ≥ 150 ms, ≥ 300 ms", g1, g2)
	}
}

// Retries stop after jobs.retries; a non-transient error is not retried at all.
func TestRetriesExhaustedAndPermanentErrors(t *testing.T) {
	cfg := testConfig(t)
	cfg.Jobs.Retries = 2
	var transientCalls, permanentCalls atomic.Int32
	s := newScheduler(t, cfg, map[string]Func{
		JobNightly: func(ctx context.Context, r *Run) (Outcome, error) {
			transientCalls.Add(1)
			return Outcome{}, fmt.Errorf("pull: %w", Transient(errors.New("connection reset")))
		},
		JobHourlyPull: func(ctx context.Context, r *Run) (Outcome, error) {
			permanentCalls.Add(1)
			return Outcome{}, errors.New("column petition_id missing")
		},
	})
	if got := s.RunNow(JobNightly, TriggerManual); got != StatusFailed {
		t.Errorf("exhausted retries: status %s, want failed", got)
	}
	if got := s.RunNow(JobHourlyPull, TriggerManual); got != StatusFailed {
		t.Errorf("permanent error: status %s, want failed", got)
	}
	if transientCalls.Load() != 3 || permanentCalls.Load() != 1 {
		t.Errorf("calls = %d transient, %d permanent; want 3 and 1", transientCalls.Load(), permanentCalls.Load())
	}
	rs := runs(t, s.DB())
	if len(rs) != 2 {
		t.Fatalf("rows = %d, want 2", len(rs))
	}
	if d := detailOf(t, rs[0]); d["retries"] != float64(2) || rs[0].Trigger != TriggerManual || !strings.Contains(rs[0].Error, "connection reset") {
		t.Errorf("exhausted run = %+v", rs[0])
	}
	if d := detailOf(t, rs[1]); d["retries"] != float64(0) || !strings.Contains(rs[1].Error, "petition_id missing") {
		t.Errorf("permanent run = %+v", rs[1])
	}
}

func TestIsTransient(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{Transient(errors.New("x")), true},
		{fmt.Errorf("wrap: %w", ErrTransient), true},
		{fmt.Errorf("dial: %w", &os.SyscallError{Syscall: "connect", Err: errConnRefused()}), true},
		{errors.New("bad column"), false},
		{context.Canceled, false},
		{nil, false},
	} {
		if got := IsTransient(c.err); got != c.want {
			t.Errorf("IsTransient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// insertPetition stores one raw petition received on day (local), enough for catch-up.
func insertPetition(t *testing.T, db *store.DB, id, day string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO petitions (source, petition_id, received_at, received_date, unit_id)
		VALUES ('synthetic', ?, CAST(? AS TIMESTAMP), CAST(? AS DATE), 'U1')`, id, day+" 09:30:00", day); err != nil {
		t.Fatal(err)
	}
}

// On start, the last ended quarter's review is produced with trigger catch-up when its
// archive is missing and the data reaches into it — as of the quarter's last day.
// With the archive present, or data ending before the quarter, nothing runs.
func TestCatchUpMissedQuarterlyReview(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 4, 10, 10, 0, 0, 0, loc) // last ended quarter: 2026-Q1
	for _, c := range []struct {
		name    string
		lastDay string
		archive bool
		want    bool
	}{
		{"missed", "2026-02-15", false, true},
		{"archived", "2026-02-15", true, false},
		{"data ends before the quarter", "2025-12-20", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Jobs.CatchUp = true
			var got []*Run
			var mu sync.Mutex
			s, err := New(context.Background(), Options{Config: cfg, Now: func() time.Time { return now },
				Jobs: map[string]Func{JobQuarterly: func(ctx context.Context, r *Run) (Outcome, error) {
					mu.Lock()
					defer mu.Unlock()
					cp := *r
					got = append(got, &cp)
					return Outcome{RowsOut: 42}, nil
				}}})
			if err != nil {
				t.Fatal(err)
			}
			insertPetition(t, s.DB(), "P1", "2025-11-02")
			insertPetition(t, s.DB(), "P2", c.lastDay)
			if c.archive {
				dir := filepath.Join(cfg.ReportsDir, "archive", "2026-Q1")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html></html>"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s.Start()
			// Shutdown waits for the catch-up, which runs in the background.
			if err := s.Shutdown(5 * time.Second); err != nil {
				t.Fatal(err)
			}
			rs := runsAfter(t, cfg)
			if !c.want {
				if len(got) != 0 || len(rs) != 0 {
					t.Errorf("catch-up ran: bodies %d, rows %+v", len(got), rs)
				}
				return
			}
			if len(got) != 1 || len(rs) != 1 {
				t.Fatalf("want one catch-up run, got bodies %d, rows %+v", len(got), rs)
			}
			if got[0].Quarter != "2026-Q1" || got[0].AsOf.Format("2006-01-02") != "2026-03-31" {
				t.Errorf("catch-up ran quarter %s as of %s, want 2026-Q1 as of 2026-03-31", got[0].Quarter, got[0].AsOf)
			}
			r := rs[0]
			if r.Job != JobQuarterly || r.Trigger != TriggerCatchUp || r.Status != StatusOK || r.RowsOut != 42 {
				t.Errorf("row = %+v", r)
			}
			if d := detailOf(t, r); d["quarter"] != "2026-Q1" || d["review_as_of"] != "2026-03-31" {
				t.Errorf("detail = %v", d)
			}
		})
	}
}

// While the scheduler runs it holds the writer lock: another writer (xinfang run,
// a second scheduler) is refused with store.ErrLocked naming the holder.
func TestSecondWriterIsRefused(t *testing.T) {
	cfg := testConfig(t)
	s := newScheduler(t, cfg, nil)
	s.Start()
	_, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone, Purpose: "xinfang run"})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second writer: err = %v, want ErrLocked", err)
	}
	for _, want := range []string{fmt.Sprintf("pid %d", os.Getpid()), "xinfang schedule"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not name %q", err, want)
		}
	}
	if _, err := New(context.Background(), Options{Config: cfg}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("second scheduler: err = %v, want ErrLocked", err)
	}
	if err := s.Shutdown(time.Second); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone})
	if err != nil {
		t.Fatalf("writer after the scheduler stopped: %v", err)
	}
	db.Close()
}

// A run left "running" by a killed process is marked interrupted when the next
// writer starts, so the history never shows a phantom running job.
func TestStaleRunningRowIsMarkedInterrupted(t *testing.T) {
	cfg := testConfig(t)
	db, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Begin(context.Background(), db, JobNightly, TriggerSchedule, time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := newScheduler(t, cfg, nil)
	rs := runs(t, s.DB())
	if len(rs) != 1 || rs[0].Status != StatusInterrupted || rs[0].Finished == nil {
		t.Fatalf("rows = %+v, want one interrupted", rs)
	}
	st, err := BuildStatus(context.Background(), s.DB(), cfg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Jobs[0].Job != JobNightly || st.Jobs[0].Failures() != 1 {
		t.Errorf("failures = %d, want 1 (interrupted counts)", st.Jobs[0].Failures())
	}
}

func errConnRefused() error { return syscall.ECONNREFUSED }
