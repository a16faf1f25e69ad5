package orchestrate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

// BenchStep is one timed path of a benchmark.
type BenchStep struct {
	Name      string
	Wall, CPU time.Duration
	// PeakRSS is the process's peak resident set during the step (bytes; the
	// process's peak so far where the kernel cannot reset its mark).
	PeakRSS int64
}

// timeStep runs f and measures it.
func timeStep(name string, f func() error) (BenchStep, error) {
	reset := pipeline.ResetPeakRSS()
	t0, c0 := time.Now(), pipeline.CPUTime()
	err := f()
	s := BenchStep{Name: name, Wall: time.Since(t0), CPU: pipeline.CPUTime() - c0}
	if reset {
		s.PeakRSS = pipeline.PeakRSS()
	} else {
		s.PeakRSS = pipeline.ProcessPeakRSS()
	}
	return s, err
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
		t.PeakRSS = max(t.PeakRSS, f.PeakRSS)
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
		st, err := timeStep(f.name, func() error {
			_, err := conn.ExecContext(ctx, f.sql, asOf)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("bench: %s: %w", f.name, err)
		}
		res.Floors = append(res.Floors, st)
	}
	for _, s := range []string{"DROP TABLE IF EXISTS bench_wide", "DROP TABLE IF EXISTS bench_f1", "DROP TABLE IF EXISTS bench_f2", "DROP TABLE IF EXISTS bench_f3", "CHECKPOINT"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return res, fmt.Errorf("bench: %s: %w", s, err)
		}
	}
	st, err := timeStep("ours: queries.Build (every mart)", func() error {
		_, err := queries.Build(ctx, db.DB, cfg, asOf)
		return err
	})
	if err != nil {
		return res, err
	}
	res.Ours = st
	res.PeakRSS = max(pipeline.ProcessPeakRSS(), st.PeakRSS, res.FloorTotal().PeakRSS)
	return res, nil
}

// BenchRow is one line of BenchAll's table: a timed path and, for ours, the ratio
// of its CPU time to the native path or floors it is measured against (0 = none).
type BenchRow struct {
	BenchStep
	Ratio   float64
	Against string
}

// AllBench is the outcome of BenchAll: every path, measured in one run.
type AllBench struct {
	Records   int
	FileBytes int64
	Arrow     bool
	Rows      []BenchRow
	PeakRSS   int64 // bytes, the process's peak over the whole run (the largest step's)
}

// BenchAll generates records synthetic canonical records into dir and measures, in
// one run: DuckDB's own read_csv into the keyed petitions table and our ingest of
// the same CSV (each into a fresh database); on our database the compute floors
// and queries.Build (BenchCompute: one untimed warm-up build first); then rendering
// the report site. Each step's wall and CPU time and the process's peak RSS during
// it; ratios are CPU ÷ CPU (ingest ÷ read_csv, build ÷ floors total).
//
// csvPath, when set, is an existing canonical CSV (with units.csv beside it, as
// xinfang generate writes them) used instead of generating records.
func BenchAll(ctx context.Context, cfg *config.Config, records int, csvPath, dir string) (AllBench, error) {
	res := AllBench{Records: records}
	var ib pipeline.IngestBench
	var err error
	if csvPath != "" {
		units := filepath.Join(filepath.Dir(csvPath), "units.csv")
		if _, serr := os.Stat(units); serr != nil {
			units = ""
		}
		ib, err = pipeline.BenchIngestFile(ctx, cfg, csvPath, units, dir)
	} else {
		ib, err = pipeline.BenchIngest(ctx, cfg, records, dir)
	}
	if err != nil {
		return res, err
	}
	res.Records, res.FileBytes, res.Arrow = ib.Records, ib.FileBytes, ib.Arrow
	native := BenchRow{BenchStep: BenchStep{Name: "ingest floor: DuckDB read_csv into petitions", Wall: ib.Native, CPU: ib.NativeCPU, PeakRSS: ib.NativePeakRSS}}
	ours := BenchRow{BenchStep: BenchStep{Name: "ours: xinfang ingest", Wall: ib.Ours, CPU: ib.OursCPU, PeakRSS: ib.OursPeakRSS},
		Ratio: ib.OursCPU.Seconds() / ib.NativeCPU.Seconds(), Against: "read_csv"}
	res.Rows = append(res.Rows, native, ours)

	c := *cfg
	c.Database = ib.OursDB
	db, err := store.Open(ctx, ib.OursDB, StoreOptions(&c, "bench all"))
	if err != nil {
		return res, err
	}
	defer db.Close()
	asOf := c.AsOfDate()
	cb, err := BenchCompute(ctx, db, &c, asOf)
	if err != nil {
		return res, err
	}
	tot := cb.FloorTotal()
	for _, f := range append(cb.Floors, tot) {
		f.Name = "compute " + f.Name
		res.Rows = append(res.Rows, BenchRow{BenchStep: f})
	}
	res.Rows = append(res.Rows, BenchRow{BenchStep: cb.Ours, Ratio: cb.Ours.CPU.Seconds() / tot.CPU.Seconds(), Against: "floors total"})

	rep, err := timeStep("ours: report (report.Render, full site)", func() error {
		_, err := report.Render(ctx, db.DB, &c, report.Options{AsOf: asOf, OutDir: filepath.Join(dir, "site")})
		return err
	})
	if err != nil {
		return res, fmt.Errorf("bench: report: %w", err)
	}
	res.Rows = append(res.Rows, BenchRow{BenchStep: rep})
	// The kernel's peak mark was reset before each step: the run's peak is the largest.
	res.PeakRSS = max(pipeline.ProcessPeakRSS(), ib.PeakRSS)
	for _, r := range res.Rows {
		res.PeakRSS = max(res.PeakRSS, r.PeakRSS)
	}
	return res, nil
}
