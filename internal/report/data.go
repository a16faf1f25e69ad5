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
// other numbers as float64, text as string, dates as time.Time, NULL as nil. The
// column names are the query's, shared by all its rows, and a row holds only its
// values: the record lists reach hundreds of thousands of rows, and a map per row was
// a large part of the render (building it, and looking names up in it cell by cell).
type row struct {
	names []string // nil for the zero row (no row), whose every value is NULL
	vals  []any
}

// get is the value of column k (nil when the row has no such column). A name that
// appears twice in a result is its last column, as when the row was a map.
func (r row) get(k string) any {
	for i := len(r.names) - 1; i >= 0; i-- {
		if r.names[i] == k {
			return r.vals[i]
		}
	}
	return nil
}

// ok reports whether r is a row of a result (not the zero row of a missing key).
func (r row) ok() bool { return r.names != nil }

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
		// Most often the marts were built by an earlier version, whose SQL did not make
		// this table or column yet: a build with this binary makes them.
		const rebuild = "; the marts were built without it (by an earlier version?): run xinfang compute"
		if s.cols[table] == nil {
			return nil, fmt.Errorf("report: table %s does not exist%s (query: %s)", table, rebuild, oneLine(q))
		}
		return nil, fmt.Errorf("report: table %s has no column %s%s (query: %s)", table, strings.Join(missing, ", "), rebuild, oneLine(q))
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
	if names == nil {
		names = []string{} // a row of a result is never the zero row
	}
	var out []row
	vals := make([]any, len(names)) // Scan copies each value out: reused for every row
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var block []any // the rows' values, allocated 256 rows at a time
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("report: scan %s: %w", table, err)
		}
		if len(block) < len(names) {
			block = make([]any, 256*len(names))
		}
		r := row{names: names, vals: block[:len(names):len(names)]}
		block = block[len(names):]
		for i := range names {
			r.vals[i] = normalise(vals[i])
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

func (r row) str(k string) string { return valueString(r.get(k)) }

// valueString shows a normalised value as text (dates as 2006-01-02, NULL as "").
func valueString(v any) string {
	switch v := v.(type) {
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
	switch v := r.get(k).(type) {
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
	v, _ := r.get(k).(bool)
	return v
}
