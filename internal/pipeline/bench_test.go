package pipeline

import (
	"log/slog"
	"os"
	"strconv"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

// BenchmarkIngestVsNative loads XINFANG_BENCH_RECORDS (default 200,000) synthetic
// canonical records with Ingest and with DuckDB's read_csv, each into a fresh
// database, and reports both times and the ratio:
//
//	go test -tags duckdb_arrow -run '^$' -bench IngestVsNative -benchtime 1x ./internal/pipeline/
func BenchmarkIngestVsNative(b *testing.B) {
	records := 200000
	if v, err := strconv.Atoi(os.Getenv("XINFANG_BENCH_RECORDS")); err == nil && v > 0 {
		records = v
	}
	b.Setenv(PseudonymKeyEnv, testKey)
	if os.Getenv("XINFANG_BENCH_DEBUG") != "" {
		slog.SetLogLoggerLevel(slog.LevelDebug)
	}
	cfg := config.Default()
	cfg.AsOf = "2026-03-31"
	var ours, native float64
	for i := 0; i < b.N; i++ {
		r, err := BenchIngest(b.Context(), cfg, records, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		ours += r.Ours.Seconds()
		native += r.Native.Seconds()
	}
	b.ReportMetric(ours/float64(b.N), "ours_s")
	b.ReportMetric(native/float64(b.N), "native_s")
	b.ReportMetric(ours/native, "ratio")
	b.ReportMetric(float64(records), "records")
}
