package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/pipeline/synthetic"
	"github.com/xinfang/xinfang/queries"
	"github.com/xinfang/xinfang/store"
)

// IngestBench is the outcome of BenchIngest.
type IngestBench struct {
	Records   int
	FileBytes int64
	Ours      time.Duration // Ingest of the canonical CSV: parse, validate, pseudonymise, stage, upsert
	Native    time.Duration // DuckDB read_csv straight into the same table
	Arrow     bool          // records reached DuckDB through the Arrow interface
	// Process CPU time (user+system, all threads) of each path: steadier than wall
	// time on a busy machine.
	OursCPU, NativeCPU time.Duration
	PeakRSS            int64 // bytes, process peak resident set after both loads
}

// Ratio is ours ÷ native.
func (b IngestBench) Ratio() float64 { return b.Ours.Seconds() / b.Native.Seconds() }

// BenchIngest generates records synthetic canonical records into dir and loads
// them twice, each into a fresh database with the petitions table: once with
// Ingest (everything a real ingest does, pseudonymisation included) and once with
// DuckDB's own read_csv into the same table (typed columns, no validation).
func BenchIngest(ctx context.Context, cfg *config.Config, records int, dir string) (IngestBench, error) {
	res := IngestBench{Records: records, Arrow: ArrowLoading}
	loc := cfg.Location()
	petitions, _, _, err := synthetic.GenerateFiles(synthetic.Params{Records: records, Seed: 7, Years: 5, AsOf: cfg.AsOfDate(), Loc: loc}, filepath.Join(dir, "data"))
	if err != nil {
		return res, err
	}
	if st, err := os.Stat(petitions); err == nil {
		res.FileBytes = st.Size()
	}
	open := func(name string) (*store.DB, error) {
		return store.Open(ctx, filepath.Join(dir, name), store.OptionsFor(cfg, "bench ingest"))
	}

	// Native first: DuckDB's parallel CSV reader, types declared, into petitions.
	db, err := open("native.duckdb")
	if err != nil {
		return res, err
	}
	t0, c0 := time.Now(), cpuTime()
	_, err = db.ExecContext(ctx, nativeLoadSQL(petitions))
	res.Native, res.NativeCPU = time.Since(t0), cpuTime()-c0
	db.Close()
	if err != nil {
		return res, fmt.Errorf("bench: native read_csv: %w", err)
	}

	db, err = open("ours.duckdb")
	if err != nil {
		return res, err
	}
	defer db.Close()
	c := *cfg
	c.Database = filepath.Join(dir, "ours.duckdb")
	c.Units.File = ""
	c.Sources = []config.Source{{Name: "bench", Kind: "csv", Path: petitions}}
	t0, c0 = time.Now(), cpuTime()
	ir, err := Ingest(ctx, db, &c, IngestOptions{NoProgress: true})
	res.Ours, res.OursCPU = time.Since(t0), cpuTime()-c0
	if err != nil {
		return res, fmt.Errorf("bench: ingest: %w", err)
	}
	res.PeakRSS = peakRSS()
	if ir.Inserted != int64(records) {
		return res, fmt.Errorf("bench: ingest inserted %d of %d records (rejected %d)", ir.Inserted, records, ir.Rejected)
	}
	return res, nil
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// nativeLoadSQL is DuckDB's own path for a canonical CSV into petitions.
func nativeLoadSQL(path string) string {
	var types, sel []string
	for i := 0; i < numFields; i++ {
		t := "VARCHAR"
		switch fieldKinds[i] {
		case kDateTime:
			t = "TIMESTAMP"
		case kDate:
			t = "DATE"
		case kInt:
			t = "INTEGER"
		case kBool:
			t = "BOOLEAN"
		}
		types = append(types, fmt.Sprintf("'%s': '%s'", fieldNames[i], t))
		sel = append(sel, fieldNames[i])
		switch i {
		case fReceivedAt:
			sel = append(sel, "CAST(received_at AS DATE)")
		case fClosedAt:
			sel = append(sel, "CAST(closed_at AS DATE)")
		}
	}
	cols := "source, " + strings.Join(stageColumns()[:len(stageColumns())-2], ", ")
	return "INSERT INTO petitions (" + cols + ") SELECT 'native', " + strings.Join(sel, ", ") +
		" FROM read_csv('" + strings.ReplaceAll(path, "'", "''") + "', header = true, columns = {" + strings.Join(types, ", ") + "})"
}

// BenchStep is one timed path of BenchCompute.
type BenchStep struct {
	Name      string
	Wall, CPU time.Duration
}

// ComputeBench is the outcome of BenchCompute: the floors (what plain DuckDB needs for
// the core shapes of the marts over the same records) and our whole build, measured in
// the same run so that a busy machine slows both alike.
type ComputeBench struct {
	Records int64
	Floors  []BenchStep
	Ours    BenchStep
	PeakRSS int64 // bytes, process peak resident set so far
}

// FloorTotal sums the floors.
func (b ComputeBench) FloorTotal() BenchStep {
	t := BenchStep{Name: "floors total"}
	for _, f := range b.Floors {
		t.Wall += f.Wall
		t.CPU += f.CPU
	}
	return t
}

// benchFloors are DuckDB's own costs for the shapes every build needs: one scan grouped
// by (unit, month) with counts and filters, distinct petitioners per (unit, month), a
// handling-days histogram, and one wide copy of every petition into a stored table.
var benchFloors = []struct{ name, sql string }{
	{"floor: scan + group by (unit, month)", `CREATE OR REPLACE TEMP TABLE bench_f1 AS
		SELECT unit_id, date_trunc('month', received_date) AS m, count(*) AS n, sum(coalesce(headcount, 1)) AS persons,
		       count(*) FILTER (WHERE channel = 'visit') AS visits, count(*) FILTER (WHERE closed_date IS NOT NULL) AS closed
		FROM petitions WHERE received_date <= $1 GROUP BY ALL`},
	{"floor: distinct petitioners (unit, month)", `CREATE OR REPLACE TEMP TABLE bench_f2 AS
		SELECT unit_id, date_trunc('month', received_date) AS m, count(DISTINCT petitioner_id) AS n
		FROM petitions WHERE received_date <= $1 GROUP BY ALL`},
	{"floor: handling-days histogram", `CREATE OR REPLACE TEMP TABLE bench_f3 AS
		SELECT unit_id, date_trunc('month', closed_date) AS m, closed_date - received_date AS days, count(*) AS n
		FROM petitions WHERE received_date <= $1 AND closed_date <= $1 GROUP BY ALL`},
	{"floor: wide copy (stored table)", `CREATE OR REPLACE TABLE bench_wide AS
		SELECT * FROM petitions WHERE received_date <= $1`},
}

// BenchCompute times the floors and then queries.Build (warm: one untimed build first)
// on the records already in db.
func BenchCompute(ctx context.Context, db *store.DB, cfg *config.Config, asOf time.Time) (ComputeBench, error) {
	var res ComputeBench
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM petitions WHERE received_date <= ?", asOf).Scan(&res.Records); err != nil {
		return res, fmt.Errorf("bench: count petitions: %w", err)
	}
	if _, err := queries.Build(ctx, db.DB, cfg, asOf); err != nil {
		return res, fmt.Errorf("bench: warm-up build: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("bench: connection: %w", err)
	}
	defer conn.Close()
	for _, f := range benchFloors {
		t0, c0 := time.Now(), cpuTime()
		if _, err := conn.ExecContext(ctx, f.sql, asOf); err != nil {
			return res, fmt.Errorf("bench: %s: %w", f.name, err)
		}
		res.Floors = append(res.Floors, BenchStep{Name: f.name, Wall: time.Since(t0), CPU: cpuTime() - c0})
	}
	for _, s := range []string{"DROP TABLE IF EXISTS bench_wide", "DROP TABLE IF EXISTS bench_f1", "DROP TABLE IF EXISTS bench_f2", "DROP TABLE IF EXISTS bench_f3", "CHECKPOINT"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return res, fmt.Errorf("bench: %s: %w", s, err)
		}
	}
	t0, c0 := time.Now(), cpuTime()
	if _, err := queries.Build(ctx, db.DB, cfg, asOf); err != nil {
		return res, err
	}
	res.Ours = BenchStep{Name: "ours: queries.Build (every mart)", Wall: time.Since(t0), CPU: cpuTime() - c0}
	res.PeakRSS = peakRSS()
	return res, nil
}

// peakRSS is the process's peak resident set size in bytes (Linux reports KiB).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}
