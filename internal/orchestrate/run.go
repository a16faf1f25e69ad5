// Package orchestrate chains the stages of a run — ingest (pipeline), build the
// marts (queries), render the report (report) — and the quarterly review. It is the
// only package that knows all of them; they never import one another.
package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/xinfang/xinfang/internal/alerts"
	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

// Options selects the stages of a run.
type Options struct {
	SkipIngest  bool
	SkipCompute bool
	SkipReport  bool
	Sources     []string // only these sources (empty = all)
	Incremental bool     // only sources marked incremental (the hourly pull)
	Quarter     string   // also archive the quarterly review for this quarter ("2026-Q3")
	// Progress receives one line per review step (nil = none).
	Progress io.Writer
}

// Result says what a run did.
type Result struct {
	AsOf    time.Time
	Ingest  *pipeline.IngestResult
	Compute *queries.Result
	Report  *report.Result
	Review  *ReviewResult
	// Audiences are the audience sites rendered after the whole system's.
	Audiences []AudienceResult
	Duration  time.Duration
}

// RowsIn is the number of source rows read.
func (r *Result) RowsIn() int64 {
	if r == nil || r.Ingest == nil {
		return 0
	}
	return r.Ingest.RowsRead
}

// RowsOut is the number of mart rows written.
func (r *Result) RowsOut() int64 {
	if r == nil || r.Compute == nil {
		return 0
	}
	var n int64
	for _, t := range r.Compute.Tables {
		n += t.Rows
	}
	return n
}

// Run chains ingest → build marts → render on an open (writable) database. With
// opt.Quarter the review is archived before the live site is rendered, so that the
// live index links it; an already archived quarter does not stop the live site.
func Run(ctx context.Context, db *store.DB, cfg *config.Config, opt Options) (*Result, error) {
	start := time.Now()
	res := &Result{AsOf: cfg.AsOfDate()}
	if !opt.SkipIngest {
		ir, err := pipeline.Ingest(ctx, db, cfg, pipeline.IngestOptions{Sources: opt.Sources, Incremental: opt.Incremental})
		res.Ingest = ir
		if err != nil {
			return res, fmt.Errorf("ingest: %w", err)
		}
		// The ingest's Arrow batches and parse buffers are garbage now; give their
		// pages back before DuckDB takes its build budget, so that the process stays
		// near memory_limit rather than above it by the ingest's Go heap.
		debug.FreeOSMemory()
	}
	if !opt.SkipCompute {
		cr, err := queries.Build(ctx, db.DB, cfg, res.AsOf)
		if err != nil {
			return res, err
		}
		res.Compute = cr
		slog.Info("marts built", "as_of", res.AsOf.Format("2006-01-02"), "tables", len(cr.Tables), "took", cr.Duration.Round(time.Millisecond))
		if _, err := alerts.Deliver(ctx, db.DB, cfg); err != nil { // SPEC §10: failed sinks are retried next run
			return res, err
		}
	}
	if opt.SkipReport {
		res.Duration = time.Since(start)
		return res, nil
	}
	var reviewErr error
	if opt.Quarter != "" {
		rv, err := Review(ctx, db, cfg, ReviewOptions{Quarter: opt.Quarter, AsOf: res.AsOf, Progress: opt.Progress})
		if err != nil && !errors.Is(err, archive.ErrArchived) {
			return res, fmt.Errorf("report: %w", err)
		}
		res.Review, reviewErr = rv, err
	}
	rr, err := report.Render(ctx, db.DB, cfg, report.Options{AsOf: res.AsOf, Keep: audienceIDs(cfg)})
	if err != nil {
		return res, fmt.Errorf("report: %w", err)
	}
	res.Report = rr
	if res.Audiences, err = renderAudiences(ctx, db, cfg, res.AsOf, "", false); err != nil {
		return res, err
	}
	res.Duration = time.Since(start)
	return res, reviewErr
}

// QuarterArchived reports whether the quarter's review is already archived under
// cfg.ReportsDir (the scheduler skips such a quarter).
func QuarterArchived(cfg *config.Config, quarter string) bool {
	return archive.Exists(cfg.ReportsDir, quarter)
}
