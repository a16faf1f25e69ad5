// Package export writes mart tables out of the database for other tools: CSV,
// JSON, Parquet and XLSX for `xinfang export`, and the XLSX workbook of the report.
// Text cells of CSV and XLSX are neutralised against formula injection (see
// Neutralise) unless the caller asks for raw values.
package export

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"
)

// Options selects the rows and the output format of an export.
type Options struct {
	Format     string // csv | json | parquet | xlsx
	Out        string // file; required for parquet and xlsx
	Unit       string
	Rollup     string // "", "true", "false"
	PeriodType string
	Period     string
	Year       int
	// Raw turns formula neutralisation off (see Neutralise): for machine consumers
	// that want every text value exactly as stored.
	Raw bool
}

// keyOrder lists the key columns rows are sorted by, in this order, when present.
var keyOrder = []string{"scope", "subject_id", "unit_id", "rollup", "period_type", "period",
	"year", "rule_id", "metric", "indicator", "as_of", "channel", "category", "source", "petition_id"}

// Table writes mart.<table> in the chosen format to w (or to opt.Out): columns in
// table order, rows ordered by the key columns, filters bound as values.
func Table(ctx context.Context, db *sql.DB, table string, opt Options, w io.Writer) error {
	format := strings.ToLower(opt.Format)
	switch format {
	case "csv", "json":
	case "parquet", "xlsx":
		if opt.Out == "" {
			return fmt.Errorf("export: --format %s needs --out FILE", format)
		}
	default:
		return fmt.Errorf("export: --format %q: want csv, json, parquet or xlsx", opt.Format)
	}
	name, cols, err := martColumns(ctx, db, table)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	// Filters become parameters (values only); a filter on a column the table lacks is an error.
	var where []string
	var args []any
	add := func(col, flag string, v any) error {
		if !has[col] {
			return fmt.Errorf("export: mart.%s has no %s column (flag %s)", name, col, flag)
		}
		where = append(where, quoteIdent(col)+" = ?")
		args = append(args, v)
		return nil
	}
	if opt.Unit != "" {
		if err := add("unit_id", "--unit", opt.Unit); err != nil {
			return err
		}
	}
	if opt.Rollup != "" {
		b, perr := strconv.ParseBool(opt.Rollup)
		if perr != nil {
			return fmt.Errorf("export: --rollup %q: want true or false", opt.Rollup)
		}
		if err := add("rollup", "--rollup", b); err != nil {
			return err
		}
	}
	if opt.PeriodType != "" {
		if err := add("period_type", "--period-type", opt.PeriodType); err != nil {
			return err
		}
	}
	if opt.Period != "" {
		if err := add("period", "--period", opt.Period); err != nil {
			return err
		}
	}
	if opt.Year != 0 {
		if err := add("year", "--year", opt.Year); err != nil {
			return err
		}
	}
	var order []string
	for _, k := range keyOrder {
		if has[k] {
			order = append(order, quoteIdent(k))
		}
	}
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = quoteIdent(c)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM mart." + quoteIdent(name)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if len(order) > 0 {
		q += " ORDER BY " + strings.Join(order, ", ") + " NULLS LAST"
	} else {
		q += " ORDER BY ALL"
	}

	if format == "parquet" {
		// DuckDB writes Parquet itself (types kept); COPY takes no parameters, so the
		// filter values are inlined as escaped literals.
		lit, err := inlineArgs(q, args)
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, "COPY ("+lit+") TO "+quoteLiteral(opt.Out)+" (FORMAT parquet)"); err != nil {
			return fmt.Errorf("export mart.%s to %s: %w", name, opt.Out, err)
		}
		return nil
	}

	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("export mart.%s: %w", name, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return fmt.Errorf("export mart.%s: %w", name, err)
	}
	dbTypes := make([]string, len(types))
	for i, t := range types {
		dbTypes[i] = t.DatabaseTypeName()
	}

	out := w
	var file *os.File
	if opt.Out != "" && format != "xlsx" {
		file, err = os.Create(opt.Out)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer file.Close()
		out = file
	}
	switch format {
	case "csv":
		err = writeCSV(out, cols, dbTypes, rows, opt.Raw)
	case "json":
		err = writeJSON(out, cols, dbTypes, rows)
	case "xlsx":
		err = writeXLSX(opt.Out, name, cols, dbTypes, rows, opt.Raw)
	}
	if err != nil {
		return fmt.Errorf("export mart.%s: %w", name, err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// martColumns checks that table is a mart table (by lookup in information_schema, never by
// pasting it into SQL) and returns its name and its columns in table order.
func martColumns(ctx context.Context, db *sql.DB, table string) (string, []string, error) {
	t := strings.TrimPrefix(strings.TrimSpace(table), "mart.")
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'mart' AND table_name = ? ORDER BY ordinal_position`, t)
	if err != nil {
		return "", nil, fmt.Errorf("export: list columns: %w", err)
	}
	defer rows.Close()
	var name string
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&name, &c); err != nil {
			return "", nil, fmt.Errorf("export: list columns: %w", err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return "", nil, fmt.Errorf("export: list columns: %w", err)
	}
	if len(cols) == 0 {
		var names []string
		r2, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'mart' ORDER BY table_name`)
		if err == nil {
			for r2.Next() {
				var n string
				if r2.Scan(&n) == nil {
					names = append(names, n)
				}
			}
			r2.Close()
		}
		if len(names) == 0 {
			return "", nil, fmt.Errorf("export: no mart tables yet (run `xinfang compute` or `xinfang run` first)")
		}
		return "", nil, fmt.Errorf("export: %q is not a mart table; tables: %s", table, strings.Join(names, ", "))
	}
	return name, cols, nil
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// inlineArgs replaces each ? placeholder of q (which holds no other ? characters: only
// quoted identifiers from information_schema and our own text) by an escaped literal.
func inlineArgs(q string, args []any) (string, error) {
	var b strings.Builder
	i := 0
	for _, r := range q {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		if i >= len(args) {
			return "", fmt.Errorf("export: internal: placeholder without a value")
		}
		switch v := args[i].(type) {
		case string:
			b.WriteString(quoteLiteral(v))
		case bool:
			b.WriteString(strconv.FormatBool(v))
		case int:
			b.WriteString(strconv.Itoa(v))
		default:
			return "", fmt.Errorf("export: internal: value %T", v)
		}
		i++
	}
	if strings.Count(q, "?") != len(args) {
		return "", fmt.Errorf("export: internal: placeholder count")
	}
	return b.String(), nil
}

// scanRow reads one row as Go values.
func scanRow(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	return vals, nil
}

// textValue renders a value for CSV: NULL is empty, dates are YYYY-MM-DD, timestamps
// YYYY-MM-DD HH:MM:SS, floats in the shortest exact form.
func textValue(v any, dbType string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case *big.Int:
		return x.String()
	case time.Time:
		if dbType == "DATE" {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = textValue(e, "")
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprint(x)
	}
}

// jsonValue converts a value to what encoding/json should write.
func jsonValue(v any, dbType string) any {
	switch x := v.(type) {
	case nil, string, bool, int64, int32:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case *big.Int:
		return json.Number(x.String())
	case time.Time:
		return textValue(x, dbType)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e, "")
		}
		return out
	case json.Marshaler: // e.g. a MAP column (mart.build_info.row_counts) as an object
		return x
	default:
		return fmt.Sprint(x)
	}
}

// writeCSV writes a header and the rows; text is neutralised unless raw.
func writeCSV(w io.Writer, cols, dbTypes []string, rows *sql.Rows, raw bool) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for rows.Next() {
		vals, err := scanRow(rows, len(cols))
		if err != nil {
			return err
		}
		for i, v := range vals {
			rec[i] = textValue(v, dbTypes[i])
			if s, ok := v.(string); ok && !raw {
				rec[i] = Neutralise(s)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes an array of objects whose keys keep the table's column order.
func writeJSON(w io.Writer, cols, dbTypes []string, rows *sql.Rows) error {
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		k, err := json.Marshal(c)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	first := true
	for rows.Next() {
		vals, err := scanRow(rows, len(cols))
		if err != nil {
			return err
		}
		var b strings.Builder
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString("\n{")
		for i, v := range vals {
			if i > 0 {
				b.WriteString(",")
			}
			b.Write(keys[i])
			b.WriteString(":")
			enc, err := json.Marshal(jsonValue(v, dbTypes[i]))
			if err != nil {
				return err
			}
			b.Write(enc)
		}
		b.WriteString("}")
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}
