package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// During an ingest the process holds more than DuckDB's buffer manager counts: the
// Go heap (records being converted and loaded), the binary, DuckDB's own untracked
// allocations. So that the whole process stays near duckdb.memory_limit, ingest
// gives DuckDB the limit minus a reserve for the rest, and caps the Go heap at half
// of that reserve (a soft limit: the GC works harder as it nears it).

// memBudget is how an ingest splits the configured limit.
type memBudget struct {
	limit, duck, goHeap int64
}

// ingestBudget: the reserve outside DuckDB is a fifth of the limit, at least
// 256 MB and at most 1 GB. ok is false without a (readable) limit.
func ingestBudget(limit string) (memBudget, bool) {
	n, ok := config.ParseSize(limit)
	if !ok || n <= 0 {
		return memBudget{}, false
	}
	reserve := min(max(n/5, 256<<20), 1<<30)
	if reserve > n/2 {
		reserve = n / 2
	}
	return memBudget{limit: n, duck: n - reserve, goHeap: reserve / 2}, true
}

// duckSetting is the SET statement giving DuckDB its share ("" without a budget).
func (b memBudget) duckSetting() string {
	if b.duck == 0 {
		return ""
	}
	return fmt.Sprintf("SET memory_limit = '%dB'", b.duck)
}

// applyIngestBudget lowers DuckDB's limit and caps the Go heap for the ingest;
// the returned func restores both.
func (in *ingester) applyIngestBudget(ctx context.Context) func() {
	b, ok := ingestBudget(in.cfg.DuckDB.MemoryLimit)
	if !ok {
		return func() {}
	}
	in.duckLimit = b.duckSetting()
	if _, err := in.db.ExecContext(ctx, in.duckLimit); err != nil {
		slog.Warn("could not lower DuckDB's memory limit for the ingest", "err", err)
		in.duckLimit = ""
		return func() {}
	}
	prev := debug.SetMemoryLimit(-1)
	if b.goHeap < prev {
		debug.SetMemoryLimit(b.goHeap)
	}
	slog.Debug("ingest memory budget", "limit", b.limit, "duckdb", b.duck, "go_heap", b.goHeap)
	return func() {
		debug.SetMemoryLimit(prev)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		restore := "SET memory_limit = '" + strings.ReplaceAll(in.cfg.DuckDB.MemoryLimit, "'", "") + "'"
		if _, err := in.db.ExecContext(ctx, restore); err != nil {
			slog.Warn("could not restore DuckDB's memory limit after the ingest", "err", err)
		}
	}
}
