package orchestrate

import (
	"context"
	"fmt"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
)

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
		t0, c0 := time.Now(), pipeline.CPUTime()
		if _, err := conn.ExecContext(ctx, f.sql, asOf); err != nil {
			return res, fmt.Errorf("bench: %s: %w", f.name, err)
		}
		res.Floors = append(res.Floors, BenchStep{Name: f.name, Wall: time.Since(t0), CPU: pipeline.CPUTime() - c0})
	}
	for _, s := range []string{"DROP TABLE IF EXISTS bench_wide", "DROP TABLE IF EXISTS bench_f1", "DROP TABLE IF EXISTS bench_f2", "DROP TABLE IF EXISTS bench_f3", "CHECKPOINT"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return res, fmt.Errorf("bench: %s: %w", s, err)
		}
	}
	t0, c0 := time.Now(), pipeline.CPUTime()
	if _, err := queries.Build(ctx, db.DB, cfg, asOf); err != nil {
		return res, err
	}
	res.Ours = BenchStep{Name: "ours: queries.Build (every mart)", Wall: time.Since(t0), CPU: pipeline.CPUTime() - c0}
	res.PeakRSS = pipeline.PeakRSS()
	return res, nil
}
