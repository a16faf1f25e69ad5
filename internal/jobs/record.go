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
	"log/slog"
	"time"

	"github.com/xinfang/xinfang/internal/store"
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

// inZone shows an instant read from a TIMESTAMPTZ column (the driver returns UTC) in
// the configured zone, so JSON and text carry that zone's offset.
func inZone(t time.Time, loc *time.Location) time.Time { return t.In(loc) }

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
		 VALUES (nextval('job_run_seq'), ?, ?, ?, 'running') RETURNING run_id`,
		job, trigger, started).Scan(&id)
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
		`UPDATE job_runs SET finished_at = ?, status = ?, rows_in = ?, rows_out = ?, error = ?, detail = ?
		 WHERE run_id = ?`,
		finished, status, out.RowsIn, out.RowsOut, errText, detail, r.ID)
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
		 VALUES (nextval('job_run_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id`,
		e.Job, e.Trigger, e.Started, e.Finished, e.Status, e.Out.RowsIn, e.Out.RowsOut, errText, detail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record %s run of job %s: %w", e.Status, e.Job, err)
	}
	return id, nil
}

// MarkInterrupted marks rows left "running" by a process that died without recording
// its outcome. Call it only while holding the writer lock: then no run can really be
// in flight. It returns how many rows it marked.
func MarkInterrupted(ctx context.Context, db *store.DB, now time.Time) (int64, error) {
	kept, err := applyUnrecorded(ctx, db)
	if err != nil {
		return 0, err
	}
	if kept > 0 {
		slog.Warn("recorded job outcomes kept in the status file while the database could not take them", "runs", kept)
	}
	res, err := db.ExecContext(ctx,
		`UPDATE job_runs SET status = 'interrupted', finished_at = ?,
		        error = coalesce(error, 'the process running this job stopped before recording an outcome')
		 WHERE status = 'running'`, now)
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
