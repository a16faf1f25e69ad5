package report

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// source reads the marts. It learns the schema once so that a missing table or
// column is reported by name before querying.
type source struct {
	ctx  context.Context
	db   *sql.DB
	cols map[string]map[string]bool // "mart.volume" -> column set
}

func newSource(ctx context.Context, db *sql.DB) (*source, error) {
	s := &source{ctx: ctx, db: db, cols: map[string]map[string]bool{}}
	rows, err := db.QueryContext(ctx, `SELECT table_schema, table_name, column_name FROM information_schema.columns`)
	if err != nil {
		return nil, fmt.Errorf("report: read schema: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sc, t, c string
		if err := rows.Scan(&sc, &t, &c); err != nil {
			return nil, fmt.Errorf("report: read schema: %w", err)
		}
		k := t
		if sc != "main" {
			k = sc + "." + t
		}
		if s.cols[k] == nil {
			s.cols[k] = map[string]bool{}
		}
		s.cols[k][c] = true
	}
	return s, rows.Err()
}

// has reports whether table exists with all the given columns.
func (s *source) has(table string, cols ...string) bool {
	m := s.cols[table]
	if m == nil {
		return false
	}
	for _, c := range cols {
		if !m[c] {
			return false
		}
	}
	return true
}

// row is one result row by column name. Values are normalised: integers as int64,
// other numbers as float64, text as string, dates as time.Time, NULL as nil.
type row map[string]any

// query runs q, which reads table and needs cols of it. A missing table or column
// and a failing query are errors that name the query: the report fails rather than
// show a section as "not computed" (a wrong report is worse than none). Only NULL
// values of untracked fields are shown as "not tracked", cell by cell.
func (s *source) query(table string, cols []string, q string, args ...any) ([]row, error) {
	if !s.has(table, cols...) {
		var missing []string
		for _, c := range cols {
			if !s.cols[table][c] {
				missing = append(missing, c)
			}
		}
		if s.cols[table] == nil {
			return nil, fmt.Errorf("report: table %s does not exist (query: %s)", table, oneLine(q))
		}
		return nil, fmt.Errorf("report: table %s has no column %s (query: %s)", table, strings.Join(missing, ", "), oneLine(q))
	}
	rows, err := s.db.QueryContext(s.ctx, q, args...)
	if err != nil {
		if s.ctx.Err() != nil {
			return nil, s.ctx.Err()
		}
		return nil, fmt.Errorf("report: query on %s failed: %w (query: %s)", table, err, oneLine(q))
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []row
	vals := make([]any, len(names)) // Scan copies each value out: reused for every row
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("report: scan %s: %w", table, err)
		}
		r := make(row, len(names))
		for i, n := range names {
			r[n] = normalise(vals[i])
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: read %s: %w", table, err)
	}
	return out, nil
}

// oneLine folds a query's whitespace so that it reads on one log or error line.
func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

func normalise(v any) any {
	switch x := v.(type) {
	case nil, int64, float64, string, bool, time.Time:
		return v // already normal: returning x would box it again (an allocation per value)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case []byte:
		return string(x)
	case fmt.Stringer:
		// DECIMAL and other driver types print as their decimal value.
		if f, err := strconv.ParseFloat(x.String(), 64); err == nil {
			return f
		}
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

func (r row) str(k string) string {
	switch v := r[k].(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.Format("2006-01-02")
	default:
		return fmt.Sprint(v)
	}
}

// f returns the value as a float pointer (nil for NULL, NaN and Inf are kept for
// the formatter to show as "-").
func (r row) f(k string) *float64 {
	switch v := r[k].(type) {
	case int64:
		x := float64(v)
		return &x
	case float64:
		return &v
	case bool:
		x := 0.0
		if v {
			x = 1
		}
		return &x
	}
	return nil
}

func (r row) i(k string) int64 {
	if p := r.f(k); p != nil && !math.IsNaN(*p) && !math.IsInf(*p, 0) {
		return int64(*p)
	}
	return 0
}

func (r row) b(k string) bool {
	v, _ := r[k].(bool)
	return v
}
