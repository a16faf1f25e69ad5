package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// Run describes one run of a job to its body.
type Run struct {
	ID      int64 // job_runs.run_id
	Job     string
	Trigger string
	Started time.Time
	Attempt int // 1 for the first try, 2 for the first retry, ...
	// Quarterly review only: the quarter under review and its last day (the as-of date).
	Quarter string
	AsOf    time.Time
}

// Func is a job body. A transient error (see IsTransient) makes the scheduler retry
// it; a panic is recovered and recorded with status "panic".
type Func func(ctx context.Context, r *Run) (Outcome, error)

// execute records one run in job_runs around body (with retries per p) and returns
// the recorded status, the outcome and the body's error.
func execute(ctx context.Context, db *store.DB, run *Run, body Func, p retryPolicy, now func() time.Time) (string, Outcome, error) {
	rec, err := Begin(ctx, db, run.Job, run.Trigger, run.Started)
	if err != nil {
		return StatusFailed, Outcome{}, err
	}
	run.ID = rec.ID
	out, runErr, retryErrs := attempt(ctx, body, run, p)
	status := statusOf(ctx, runErr)
	detail := map[string]any{"attempts": run.Attempt, "retries": run.Attempt - 1}
	if len(retryErrs) > 0 {
		detail["retry_errors"] = retryErrs
	}
	if run.Quarter != "" {
		detail["quarter"] = run.Quarter
		detail["review_as_of"] = run.AsOf.Format("2006-01-02")
	}
	for k, v := range out.Detail {
		detail[k] = v
	}
	out.Detail = detail
	finished := now()
	log := slog.With("job", run.Job, "run_id", run.ID, "trigger", run.Trigger, "status", status,
		"took", finished.Sub(run.Started).Round(time.Millisecond), "rows_in", out.RowsIn, "rows_out", out.RowsOut)
	var pe *PanicError
	switch {
	case errors.As(runErr, &pe):
		log.Error("job panicked (recovered)", "err", runErr, "stack", string(pe.Stack))
	case runErr != nil:
		log.Error("job failed", "err", runErr, "attempts", run.Attempt)
	default:
		log.Info("job finished", "attempts", run.Attempt)
	}
	if err := endOrKeep(ctx, rec, finished, status, out, runErr); err != nil {
		slog.Error("could not record job outcome", "job", run.Job, "run_id", run.ID, "err", err)
		if runErr == nil {
			runErr = err
		}
	}
	return status, out, runErr
}

// RunRecorded runs fn once as a manual job and records it in job_runs (no retries:
// the person at the terminal sees the error). It returns fn's outcome and error; a
// panic in fn comes back as a *PanicError.
func RunRecorded(ctx context.Context, db *store.DB, cfg *config.Config, job, trigger string, fn Func) (Outcome, error) {
	if _, err := MarkInterrupted(ctx, db, time.Now()); err != nil {
		return Outcome{}, err
	}
	if trigger == "" {
		trigger = TriggerManual
	}
	// The snapshot shows the run in flight to `xinfang status` (the file is held).
	snap := func(ctx context.Context, r *Run) (Outcome, error) {
		if werr := WriteStatusFile(ctx, db, cfg, nil); werr != nil {
			slog.Warn("could not write status file", "err", werr)
		}
		return fn(ctx, r)
	}
	_, out, err := execute(ctx, db, &Run{Job: job, Trigger: trigger, Started: time.Now()}, snap, retryPolicy{}, time.Now)
	if werr := WriteStatusFile(ctx, db, cfg, nil); werr != nil {
		slog.Warn("could not write status file", "err", werr)
	}
	return out, err
}

// RunPipeline runs orchestrate.Run and records it in job_runs as job with the given
// trigger (TriggerManual for `xinfang run`). Rows in/out, the as-of date and the
// ingest counts go into the row. The status file beside the database is refreshed.
func RunPipeline(ctx context.Context, db *store.DB, cfg *config.Config, job, trigger string, opt orchestrate.Options) (*orchestrate.Result, error) {
	var res *orchestrate.Result
	_, err := RunRecorded(ctx, db, cfg, job, trigger, func(ctx context.Context, r *Run) (Outcome, error) {
		var err error
		res, err = orchestrate.Run(ctx, db, cfg, opt)
		return pipelineOutcome(res, opt), err
	})
	return res, err
}

// pipelineOutcome turns a pipeline result (possibly partial) into job_runs figures.
func pipelineOutcome(res *orchestrate.Result, opt orchestrate.Options) Outcome {
	out := Outcome{Detail: map[string]any{}}
	if opt.Quarter != "" {
		out.Detail["quarter"] = opt.Quarter
	}
	if opt.Incremental {
		out.Detail["incremental"] = true
	}
	if len(opt.Sources) > 0 {
		out.Detail["sources"] = opt.Sources
	}
	if res == nil {
		return out
	}
	out.RowsIn, out.RowsOut = res.RowsIn(), res.RowsOut()
	if !res.AsOf.IsZero() {
		out.Detail["as_of"] = res.AsOf.Format("2006-01-02")
	}
	if ir := res.Ingest; ir != nil {
		out.Detail["ingest"] = map[string]any{"batches": len(ir.Batches), "inserted": ir.Inserted, "updated": ir.Updated,
			"unchanged": ir.Unchanged, "rejected": ir.Rejected, "warnings": ir.Warnings}
	}
	if rr := res.Report; rr != nil {
		out.Detail["report_pages"] = rr.Pages
	}
	return out
}

// DefaultJobs are the job bodies the scheduler runs unless replaced: the nightly
// pull → compute → report; the quarterly review of r.Quarter on the stored data; the
// hourly incremental pull, followed by compute → report only when it brought new or
// changed records.
//
// The quarterly review runs orchestrate.Run with the live as-of date and
// Options{SkipIngest, Quarter}: orchestrate.Review builds the review's marts as of
// the quarter's last day (r.AsOf) in a database of its own, never the live marts,
// and the live site is then rebuilt and republished so that its index links the
// archive.
func DefaultJobs(db *store.DB, cfg *config.Config) map[string]Func {
	return map[string]Func{
		JobNightly: func(ctx context.Context, r *Run) (Outcome, error) {
			opt := orchestrate.Options{}
			res, err := orchestrate.Run(ctx, db, cfg, opt)
			return pipelineOutcome(res, opt), err
		},
		JobQuarterly: func(ctx context.Context, r *Run) (Outcome, error) {
			if r.Quarter == "" {
				return Outcome{}, errors.New("quarterly job started without a quarter")
			}
			if QuarterArchived(cfg, r.Quarter) {
				// Archives are never overwritten (archive.ErrArchived): nothing to do.
				return Outcome{Detail: map[string]any{"archive": "already exists"}}, nil
			}
			opt := orchestrate.Options{SkipIngest: true, Quarter: r.Quarter}
			res, err := orchestrate.Run(ctx, db, cfg, opt)
			out := pipelineOutcome(res, opt)
			if res != nil && res.Review != nil {
				out.Detail["archive"] = res.Review.Dir
			}
			return out, err
		},
		JobHourlyPull: func(ctx context.Context, r *Run) (Outcome, error) {
			pull := orchestrate.Options{Incremental: true, SkipCompute: true, SkipReport: true}
			res, err := orchestrate.Run(ctx, db, cfg, pull)
			out := pipelineOutcome(res, pull)
			if err != nil {
				return out, err
			}
			if res == nil || res.Ingest == nil || res.Ingest.Inserted+res.Ingest.Updated == 0 {
				out.Detail["compute"] = "skipped: no new or changed records"
				return out, nil
			}
			rest := orchestrate.Options{SkipIngest: true}
			res2, err := orchestrate.Run(ctx, db, cfg, rest)
			if res2 != nil {
				out.RowsOut = res2.RowsOut()
			}
			if err != nil {
				return out, fmt.Errorf("after the pull: %w", err)
			}
			return out, nil
		},
	}
}
