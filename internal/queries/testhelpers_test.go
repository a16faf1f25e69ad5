package queries_test

// Test helpers shared by every metric test in this package: a real DuckDB file in
// t.TempDir() (migrations applied by store.Open), raw rows inserted by SQL from compact
// literals, queries.Build as of a date, and one-cell query helpers.
//
//	f := newFixture(t)
//	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"})
//	f.source("s1", "petitioner_id", "closed_at")  // mapped fields; undeclared sources map everything
//	f.add(P{ID: "1", Unit: "C", Received: "2024-01-05", Petitioner: "a"})
//	f.build("2024-06-30")                           // f.cfg is config.Default(); change it first
//	f.i64("SELECT petitions FROM mart.volume WHERE " + key("C", false, "2024-01"))

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/spec"
	"github.com/xinfang/xinfang/internal/store"
)

// allFields are the optional canonical fields (SPEC §2); an undeclared source maps them all.
var allFields = spec.OptionalFields()

// U is a unit row; Level and Sector default to "city" and "bureau".
type U struct {
	ID, Name, Parent, Level, Sector string
	Staff                           int
}

// P is a petition row. Every field is a string; "" is NULL (blank). Received and
// Closed take "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS"; received_date and closed_date are
// derived. Source defaults to "s1". Headcount, Extension are integers; Listed, Mass,
// Traced are "true"/"false".
type P struct {
	Source, ID, Unit, Received                          string
	Petitioner, Matter, Channel, Category, Headcount    string
	SourceType, FeedbackDue, FeedbackAt, AcceptedAt     string
	DueAt, Extension, Closed, Justified, Satisfaction   string
	Followup, Listed, Leader, Handler, Mass, Traced, Up string
}

type fixture struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	cfg     *config.Config
	sources map[string]bool
	res     *queries.Result
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.duckdb"), store.Options{TimeZone: "Asia/Shanghai", Purpose: "test"})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return &fixture{t: t, ctx: ctx, db: db, cfg: config.Default(), sources: map[string]bool{}}
}

// exec runs SQL and fails the test on error.
func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.db.ExecContext(f.ctx, q, args...); err != nil {
		f.t.Fatalf("exec %s: %v", q, err)
	}
}

// source declares a source mapping exactly the given optional fields.
func (f *fixture) source(name string, fields ...string) {
	f.t.Helper()
	list := "[]::VARCHAR[]"
	if len(fields) > 0 {
		q := make([]string, len(fields))
		for i, x := range fields {
			q[i] = "'" + strings.ReplaceAll(x, "'", "''") + "'"
		}
		list = "[" + strings.Join(q, ", ") + "]::VARCHAR[]"
	}
	f.exec(`INSERT OR REPLACE INTO sources (source, kind, mapped_fields) VALUES (?, 'test', `+list+`)`, name)
	f.sources[name] = true
}

// sourceExcept declares a source mapping every optional field but the given ones.
func (f *fixture) sourceExcept(name string, except ...string) {
	f.t.Helper()
	var keep []string
	for _, x := range allFields {
		skip := false
		for _, e := range except {
			skip = skip || e == x
		}
		if !skip {
			keep = append(keep, x)
		}
	}
	f.source(name, keep...)
}

func (f *fixture) units(us ...U) {
	f.t.Helper()
	for _, u := range us {
		if u.Name == "" {
			u.Name = u.ID
		}
		if u.Level == "" {
			u.Level = "city"
		}
		if u.Sector == "" {
			u.Sector = "bureau"
		}
		var staff any
		if u.Staff != 0 {
			staff = u.Staff
		}
		f.exec(`INSERT INTO units VALUES (?, ?, NULLIF(?, ''), ?, ?, ?)`, u.ID, u.Name, u.Parent, u.Level, u.Sector, staff)
	}
}

// add inserts petitions; a source not declared with source() is declared mapping every field.
// Values are stored as ingest stores them: trimmed, a blank one NULL (the metric SQL relies on
// that invariant of petitions and does not trim again).
func (f *fixture) add(ps ...P) {
	f.t.Helper()
	for _, p := range ps {
		for _, v := range []*string{&p.Petitioner, &p.Matter, &p.Channel, &p.Category, &p.SourceType,
			&p.Justified, &p.Satisfaction, &p.Leader, &p.Handler} {
			*v = strings.TrimSpace(*v)
		}
		if p.Source == "" {
			p.Source = "s1"
		}
		if !f.sources[p.Source] {
			f.source(p.Source, allFields...)
		}
		f.exec(`INSERT INTO petitions (source, petition_id, received_at, received_date, unit_id,
			petitioner_id, matter_id, channel, category, headcount, source_type, feedback_due,
			feedback_at, accepted_at, due_at, extension_days, closed_at, closed_date, justified,
			satisfaction, followup_at, listed_supervision, leader_owner, handler_id, mass_incident,
			traced_fault, updated_at)
			SELECT ?, ?, ?::TIMESTAMP, ?::TIMESTAMP::DATE, ?,
			NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, '')::INTEGER,
			NULLIF(?, ''), NULLIF(?, '')::DATE, NULLIF(?, '')::DATE, NULLIF(?, '')::DATE,
			NULLIF(?, '')::DATE, NULLIF(?, '')::INTEGER, NULLIF(?, '')::TIMESTAMP,
			NULLIF(?, '')::TIMESTAMP::DATE, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, '')::DATE,
			NULLIF(?, '')::BOOLEAN, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, '')::BOOLEAN,
			NULLIF(?, '')::BOOLEAN, NULLIF(?, '')::TIMESTAMP`,
			p.Source, p.ID, p.Received, p.Received, p.Unit,
			p.Petitioner, p.Matter, p.Channel, p.Category, p.Headcount,
			p.SourceType, p.FeedbackDue, p.FeedbackAt, p.AcceptedAt,
			p.DueAt, p.Extension, p.Closed, p.Closed, p.Justified,
			p.Satisfaction, p.Followup, p.Listed, p.Leader, p.Handler, p.Mass,
			p.Traced, p.Up)
	}
}

// build runs queries.Build as of the date (YYYY-MM-DD) with f.cfg.
func (f *fixture) build(asOf string) *queries.Result {
	f.t.Helper()
	d, err := time.Parse("2006-01-02", asOf)
	if err != nil {
		f.t.Fatalf("as-of %q: %v", asOf, err)
	}
	res, err := queries.Build(f.ctx, f.db.DB, f.cfg, d)
	if err != nil {
		f.t.Fatalf("build as of %s: %v", asOf, err)
	}
	f.res = res
	return res
}

// key is a WHERE clause for one period-table row; the period type follows from the
// period's form (2024-03 month, 2024-Q1 quarter, 2024 year).
func key(unit string, rollup bool, period string) string {
	pt := "month"
	switch {
	case strings.Contains(period, "-Q"):
		pt = "quarter"
	case len(period) == 4:
		pt = "year"
	}
	return fmt.Sprintf("unit_id = '%s' AND rollup = %v AND period_type = '%s' AND period = '%s'", unit, rollup, pt, period)
}

// cell returns the single value of a query that must return exactly one row and column.
func cell(t *testing.T, db *sql.DB, q string, args ...any) any {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("query %s: no row", q)
	}
	var v any
	if err := rows.Scan(&v); err != nil {
		t.Fatalf("query %s: %v", q, err)
	}
	if rows.Next() {
		t.Fatalf("query %s: more than one row", q)
	}
	return v
}

func (f *fixture) cell(q string, args ...any) any {
	f.t.Helper()
	return cell(f.t, f.db.DB, q, args...)
}

// i64 returns an integer cell; it fails when the cell is NULL.
func (f *fixture) i64(q string, args ...any) int64 {
	f.t.Helper()
	v := f.cell(q, args...)
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case *big.Int: // sum() of BIGINT is HUGEINT
		if x.IsInt64() {
			return x.Int64()
		}
	case float64:
		if x == math.Trunc(x) {
			return int64(x)
		}
	case nil:
		f.t.Fatalf("query %s: NULL, want an integer", q)
	}
	f.t.Fatalf("query %s: %v (%T), want an integer", q, v, v)
	return 0
}

// f64 returns a numeric cell as float64; it fails when the cell is NULL.
func (f *fixture) f64(q string, args ...any) float64 {
	f.t.Helper()
	v := f.cell(q, args...)
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case uint64:
		return float64(x)
	case *big.Int:
		v, _ := new(big.Float).SetInt(x).Float64()
		return v
	case nil:
		f.t.Fatalf("query %s: NULL, want a number", q)
	}
	f.t.Fatalf("query %s: %v (%T), want a number", q, v, v)
	return 0
}

// str returns a text cell; it fails when the cell is NULL.
func (f *fixture) str(q string, args ...any) string {
	f.t.Helper()
	v := f.cell(q, args...)
	s, ok := v.(string)
	if !ok {
		f.t.Fatalf("query %s: %v (%T), want text", q, v, v)
	}
	return s
}

// eqInt fails unless the cell is the integer want.
func (f *fixture) eqInt(want int64, q string, args ...any) {
	f.t.Helper()
	if got := f.i64(q, args...); got != want {
		f.t.Errorf("%s = %d, want %d", q, got, want)
	}
}

// eqFloat fails unless the cell is within 1e-9 of want.
func (f *fixture) eqFloat(want float64, q string, args ...any) {
	f.t.Helper()
	if got := f.f64(q, args...); math.Abs(got-want) > 1e-9 {
		f.t.Errorf("%s = %.12g, want %.12g", q, got, want)
	}
}

// eqNull fails unless the cell is NULL.
func (f *fixture) eqNull(q string, args ...any) {
	f.t.Helper()
	if v := f.cell(q, args...); v != nil {
		f.t.Errorf("%s = %v, want NULL", q, v)
	}
}

// eqStr fails unless the cell is the text want.
func (f *fixture) eqStr(want string, q string, args ...any) {
	f.t.Helper()
	if got := f.str(q, args...); got != want {
		f.t.Errorf("%s = %q, want %q", q, got, want)
	}
}
