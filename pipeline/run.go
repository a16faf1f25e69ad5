package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/xinfang/xinfang/alerts"
	"github.com/xinfang/xinfang/charts"
	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/queries"
	"github.com/xinfang/xinfang/store"
)

// RunOptions selects the stages of a run.
type RunOptions struct {
	SkipIngest  bool
	SkipCompute bool
	SkipReport  bool
	Sources     []string // only these sources (empty = all)
	Incremental bool     // only sources marked incremental (the hourly pull)
	Quarter     string   // also render the quarterly review for this quarter ("2026-Q3")
}

// RunResult says what a run did.
type RunResult struct {
	AsOf     time.Time
	Ingest   *IngestResult
	Compute  *queries.Result
	Report   *charts.Result
	Duration time.Duration
}

// RowsIn is the number of source rows read; RowsOut the rows written to marts.
func (r *RunResult) RowsIn() int64 {
	if r == nil || r.Ingest == nil {
		return 0
	}
	return r.Ingest.RowsRead
}

// RowsOut is the number of mart rows written.
func (r *RunResult) RowsOut() int64 {
	if r == nil || r.Compute == nil {
		return 0
	}
	var n int64
	for _, t := range r.Compute.Tables {
		n += t.Rows
	}
	return n
}

// Run chains ingest → compute → report on an open (writable) database.
func Run(ctx context.Context, db *store.DB, cfg *config.Config, opt RunOptions) (*RunResult, error) {
	start := time.Now()
	res := &RunResult{AsOf: cfg.AsOfDate()}
	if !opt.SkipIngest {
		ir, err := Ingest(ctx, db, cfg, IngestOptions{Sources: opt.Sources, Incremental: opt.Incremental})
		res.Ingest = ir
		if err != nil {
			return res, fmt.Errorf("ingest: %w", err)
		}
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
	if !opt.SkipReport {
		rr, err := charts.Render(ctx, db.DB, cfg, charts.Options{AsOf: res.AsOf, Quarter: opt.Quarter})
		if err != nil {
			return res, fmt.Errorf("report: %w", err)
		}
		res.Report = rr
	}
	res.Duration = time.Since(start)
	return res, nil
}
