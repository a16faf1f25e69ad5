package orchestrate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// An audience's view of the marts: a province's 'ALL' rows are its own rollup rows;
// two cities of different provinces get a total of their records (counts the sum of
// the two cities' rollup counts, the on-time rate the ratio of those sums, not a mean
// of the two rates); the appraisal is ranked again among the audience's units, from 1.
func TestAudienceViews(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.AsOf = "2026-05-20"
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.ReportsDir = filepath.Join(dir, "reports")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources[0].Synthetic.Records = 3000
	cfg.Sources[0].Synthetic.Years = 2
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.Database, StoreOptions(cfg, "test"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := Run(ctx, db, cfg, Options{SkipReport: true}); err != nil {
		t.Fatal(err)
	}
	if err := checkpoint(ctx, db); err != nil {
		t.Fatal(err)
	}
	const year = `FROM mart.timeliness WHERE period_type = 'year' AND period = '2025' AND rollup`
	var wantP, wantDue, wantOn int64
	if err := db.QueryRow(`SELECT petitions ` + `FROM mart.volume WHERE period_type = 'year' AND period = '2025' AND rollup AND unit_id = 'P01'`).Scan(&wantP); err != nil {
		t.Fatal(err)
	}
	p01, err := openAudienceDB(ctx, cfg.Database, cfg, config.Audience{ID: "p", Units: []string{"P01"}}, cfg.AsOfDate())
	if err != nil {
		t.Fatal(err)
	}
	defer p01.Close()
	var got int64
	if err := p01.QueryRow(`SELECT petitions FROM mart.volume WHERE period_type = 'year' AND period = '2025' AND unit_id = 'ALL'`).Scan(&got); err != nil || got != wantP {
		t.Errorf("P01's ALL petitions in 2025: got %d (%v), want P01's rollup %d", got, err, wantP)
	}
	var minRank, n int64
	if err := p01.QueryRow(`SELECT min(rank), count(DISTINCT unit_id) FROM mart.appraisal WHERE period_type = 'quarter' AND period = '2026-Q1' AND rank IS NOT NULL`).Scan(&minRank, &n); err != nil || minRank != 1 || n == 0 {
		t.Errorf("P01's appraisal ranks: min %d over %d units (%v), want 1", minRank, n, err)
	}

	if err := db.QueryRow(`SELECT sum(due), sum(on_time) `+year+` AND unit_id IN ('P02C01', 'P03C02')`).Scan(&wantDue, &wantOn); err != nil {
		t.Fatal(err)
	}
	two, err := openAudienceDB(ctx, cfg.Database, cfg, config.Audience{ID: "two", Units: []string{"P02C01", "P03C02"}}, cfg.AsOfDate())
	if err != nil {
		t.Fatal(err)
	}
	defer two.Close()
	var due, on int64
	var rate float64
	if err := two.QueryRow(`SELECT due, on_time, on_time_rate `+year+` AND unit_id = 'ALL'`).Scan(&due, &on, &rate); err != nil {
		t.Fatal(err)
	}
	if due != wantDue || on != wantOn || wantDue == 0 || rate != float64(wantOn)/float64(wantDue) {
		t.Errorf("two cities' total 2025: due %d on time %d rate %v, want %d, %d, %v", due, on, rate, wantDue, wantOn, float64(wantOn)/float64(wantDue))
	}
	if _, err := openAudienceDB(ctx, cfg.Database, cfg, config.Audience{ID: "x", Units: []string{"NOPE"}}, cfg.AsOfDate()); err == nil {
		t.Error("an audience naming an unknown unit must be refused")
	}
}
