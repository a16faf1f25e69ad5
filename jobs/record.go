// Package jobs runs xinfang's scheduled work (nightly pull → compute → report,
// the quarterly review, an optional hourly incremental pull) with robfig/cron,
// records every run — scheduled or manual — in the job_runs table, catches up a
// missed quarterly review on start, shuts down cleanly on a signal, and serves
// the report folder with /healthz and /metrics.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/xinfang/xinfang/store"
)

// Job names used by the scheduler. Manual runs may use any name (xinfang run uses "run").
const (
	JobNightly    = "nightly"
	JobQuarterly  = "quarterly"
	JobHourlyPull = "hourly_pull"
)

// Triggers recorded in job_runs.trigger.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
	TriggerCatchUp  = "catch-up"
)

// Statuses recorded in job_runs.status. "running" is only ever seen while a run is in
// flight; a run found "running" when the writer lock is next taken was cut off by a
// crash or kill and is marked "interrupted".
const (
	StatusRunning     = "running"
	StatusOK          = "ok"
	StatusFailed      = "failed"
	StatusSkipped     = "skipped"
	StatusPanic       = "panic"
	StatusCancelled   = "cancelled"
	StatusInterrupted = "interrupted"
)

// tsLayout writes local wall-clock times into the naive TIMESTAMP columns, the same
// convention as the raw tables (local time in the configured zone).
const tsLayout = "2006-01-02 15:04:05.000000"

func localTS(t time.Time, loc *time.Location) string { return t.In(loc).Format(tsLayout) }

// fromNaive reads a naive TIMESTAMP (returned by the driver as a UTC time carrying
// the stored wall clock) back as that wall clock in loc.
func fromNaive(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

func dbLocation(db *store.DB) *time.Location {
	if loc, err := time.LoadLocation(db.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Record is one job_runs row in flight: Begin inserts it with status running, End
// fills in the outcome.
type Record struct {
	ID      int64
	Job     string
	Trigger string
	Started time.Time
	db      *store.DB
}

// Begin inserts a job_runs row with status "running" and returns it.
func Begin(ctx context.Context, db *store.DB, job, trigger string, started time.Time) (*Record, error) {
	var id int64
	err := db.QueryRowContext(ctx,
		`INSERT INTO job_runs (run_id, job, trigger, started_at, status)
		 VALUES (nextval('job_run_seq'), ?, ?, CAST(? AS TIMESTAMP), 'running') RETURNING run_id`,
		job, trigger, localTS(started, dbLocation(db))).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("record start of job %s: %w", job, err)
	}
	return &Record{ID: id, Job: job, Trigger: trigger, Started: started, db: db}, nil
}

// Outcome is what a job reports about its work.
type Outcome struct {
	RowsIn, RowsOut int64
	// Detail is stored as JSON in job_runs.detail (attempts, retries, quarter, ...).
	Detail map[string]any
}

// End records the outcome of the run. It uses a context that outlives cancellation of
// ctx, so a run cancelled at shutdown is still recorded.
func (r *Record) End(ctx context.Context, finished time.Time, status string, out Outcome, runErr error) error {
	ctx = context.WithoutCancel(ctx)
	var errText any
	if runErr != nil {
		errText = runErr.Error()
	}
	detail, err := detailJSON(out.Detail)
	if err != nil {
		return err
	}
	_, err = r.db.ExecContext(ctx,
		`UPDATE job_runs SET finished_at = CAST(? AS TIMESTAMP), status = ?, rows_in = ?, rows_out = ?, error = ?, detail = ?
		 WHERE run_id = ?`,
		localTS(finished, dbLocation(r.db)), status, out.RowsIn, out.RowsOut, errText, detail, r.ID)
	if err != nil {
		return fmt.Errorf("record end of job %s run %d: %w", r.Job, r.ID, err)
	}
	return nil
}

// Entry is a finished run recorded in one go (used for skipped runs).
type Entry struct {
	Job, Trigger, Status string
	Started, Finished    time.Time
	Out                  Outcome
	Err                  error
}

// RecordFinished inserts a complete job_runs row and returns its run_id.
func RecordFinished(ctx context.Context, db *store.DB, e Entry) (int64, error) {
	loc := dbLocation(db)
	detail, err := detailJSON(e.Out.Detail)
	if err != nil {
		return 0, err
	}
	var errText any
	if e.Err != nil {
		errText = e.Err.Error()
	}
	var id int64
	err = db.QueryRowContext(context.WithoutCancel(ctx),
		`INSERT INTO job_runs (run_id, job, trigger, started_at, finished_at, status, rows_in, rows_out, error, detail)
		 VALUES (nextval('job_run_seq'), ?, ?, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?) RETURNING run_id`,
		e.Job, e.Trigger, localTS(e.Started, loc), localTS(e.Finished, loc), e.Status, e.Out.RowsIn, e.Out.RowsOut, errText, detail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record %s run of job %s: %w", e.Status, e.Job, err)
	}
	return id, nil
}

// MarkInterrupted marks rows left "running" by a process that died without recording
// its outcome. Call it only while holding the writer lock: then no run can really be
// in flight. It returns how many rows it marked.
func MarkInterrupted(ctx context.Context, db *store.DB, now time.Time) (int64, error) {
	res, err := db.ExecContext(ctx,
		`UPDATE job_runs SET status = 'interrupted', finished_at = CAST(? AS TIMESTAMP),
		        error = coalesce(error, 'the process running this job stopped before recording an outcome')
		 WHERE status = 'running'`, localTS(now, dbLocation(db)))
	if err != nil {
		return 0, fmt.Errorf("mark interrupted job runs: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func detailJSON(d map[string]any) (any, error) {
	if len(d) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode job detail: %w", err)
	}
	return string(b), nil
}
