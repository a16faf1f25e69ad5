package orchestrate

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/store"
)

// BenchmarkComputeVsFloors ingests XINFANG_BENCH_RECORDS (default 200,000) synthetic
// records, then times the DuckDB floors and queries.Build on them in the same run (the
// paths `xinfang bench compute` prints) and reports both and the CPU ratio:
//
//	go test -tags duckdb_arrow -run '^$' -bench ComputeVsFloors -benchtime 1x ./internal/orchestrate/
func BenchmarkComputeVsFloors(b *testing.B) {
	records := 200000
	if v, err := strconv.Atoi(os.Getenv("XINFANG_BENCH_RECORDS")); err == nil && v > 0 {
		records = v
	}
	b.Setenv(pipeline.PseudonymKeyEnv, "orchestrate-bench-pseudonym-key-0123456789")
	dir := b.TempDir()
	cfg := config.Default()
	cfg.AsOf = "2026-03-31"
	cfg.Database = filepath.Join(dir, "bench.duckdb")
	cfg.Sources = []config.Source{{Name: "synthetic", Kind: "synthetic",
		Synthetic: config.Synthetic{Records: records, Seed: 7, Years: 5}}}
	db, err := store.Open(b.Context(), cfg.Database, StoreOptions(cfg, "bench"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := pipeline.Ingest(b.Context(), db, cfg, pipeline.IngestOptions{NoProgress: true}); err != nil {
		b.Fatal(err)
	}
	var ours, floors float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := BenchCompute(b.Context(), db, cfg, cfg.AsOfDate())
		if err != nil {
			b.Fatal(err)
		}
		ours += r.Ours.CPU.Seconds()
		floors += r.FloorTotal().CPU.Seconds()
	}
	b.ReportMetric(ours/float64(b.N), "ours_cpu_s")
	b.ReportMetric(floors/float64(b.N), "floors_cpu_s")
	b.ReportMetric(ours/floors, "ratio")
	b.ReportMetric(float64(records), "records")
}

// BenchmarkAll runs every path of `xinfang bench all` on XINFANG_BENCH_RECORDS
// (default 200,000) synthetic records and reports each ratio and peak RSS:
//
//	go test -tags duckdb_arrow -run '^$' -bench 'BenchmarkAll' -benchtime 1x ./orchestrate/
func BenchmarkAll(b *testing.B) {
	records := 200000
	if v, err := strconv.Atoi(os.Getenv("XINFANG_BENCH_RECORDS")); err == nil && v > 0 {
		records = v
	}
	b.Setenv(pipeline.PseudonymKeyEnv, "orchestrate-bench-pseudonym-key-0123456789")
	cfg := config.Default()
	cfg.AsOf = "2026-03-31"
	for i := 0; i < b.N; i++ {
		r, err := BenchAll(b.Context(), cfg, records, "", b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		for _, row := range r.Rows {
			if row.Ratio > 0 {
				b.ReportMetric(row.Ratio, "ratio_"+benchMetricName(row.Name))
				b.ReportMetric(float64(row.PeakRSS)/1e6, "peak_MB_"+benchMetricName(row.Name))
			}
		}
	}
	b.ReportMetric(float64(records), "records")
}

// benchMetricName: "ours: xinfang ingest" → "ingest", "ours: queries.Build …" → "build".
func benchMetricName(path string) string {
	if strings.Contains(path, "ingest") {
		return "ingest"
	}
	return "build"
}
