package pipeline

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"
)

// The ingest's share of duckdb.memory_limit: see config.DuckDB.Budget.

// applyIngestBudget lowers DuckDB's limit and caps the Go heap for the ingest;
// the returned func restores both.
func (in *ingester) applyIngestBudget(ctx context.Context) func() {
	b, ok := in.cfg.DuckDB.Budget()
	if !ok {
		return func() {}
	}
	in.duckLimit = b.DuckDBSetting()
	if _, err := in.db.ExecContext(ctx, in.duckLimit); err != nil {
		slog.Warn("could not lower DuckDB's memory limit for the ingest", "err", err)
		in.duckLimit = ""
		return func() {}
	}
	prev := debug.SetMemoryLimit(-1)
	if b.GoHeap < prev {
		debug.SetMemoryLimit(b.GoHeap)
	}
	slog.Debug("ingest memory budget", "limit", b.Limit, "duckdb", b.DuckDB, "go_heap", b.GoHeap)
	return func() {
		debug.SetMemoryLimit(prev)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := in.db.ExecContext(ctx, in.cfg.DuckDB.RestoreSetting()); err != nil {
			slog.Warn("could not restore DuckDB's memory limit after the ingest", "err", err)
		}
	}
}
