package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/xinfang/xinfang/internal/config"
)

// Row filters (mapping.where) and computed fields (fields.X.expr) are DuckDB SQL
// expressions over a source's own columns. They are evaluated in a private
// in-memory DuckDB, never in the database file: the raw rows may hold personal
// identifiers that must only ever be stored pseudonymised.

// exprDB is the process's in-memory DuckDB for expressions (opened on first use).
var exprDB = sync.OnceValues(func() (*sql.DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open in-memory DuckDB for expressions: %w", err)
	}
	return db, nil
})

// exprColumns lists the column names an expression refers to, from DuckDB's own
// parse (json_serialize_sql), so no guessing about quoting or keywords.
func exprColumns(ctx context.Context, conn *sql.Conn, expr string) ([]string, error) {
	var js string
	if err := conn.QueryRowContext(ctx, `SELECT CAST(json_serialize_sql('`+strings.ReplaceAll("SELECT "+expr, "'", "''")+`') AS VARCHAR)`).Scan(&js); err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal([]byte(js), &tree); err != nil {
		return nil, fmt.Errorf("parse tree: %w", err)
	}
	if m, ok := tree.(map[string]any); ok && m["error"] == true {
		msg, _ := m["error_message"].(string)
		return nil, fmt.Errorf("%s", strings.TrimSpace(msg))
	}
	seen := map[string]bool{}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch n := v.(type) {
		case map[string]any:
			if n["class"] == "COLUMN_REF" {
				if names, ok := n["column_names"].([]any); ok && len(names) > 0 {
					if s, ok := names[len(names)-1].(string); ok && !seen[strings.ToLower(s)] {
						seen[strings.ToLower(s)] = true
						out = append(out, s)
					}
				}
			}
			for _, c := range n {
				walk(c)
			}
		case []any:
			for _, c := range n {
				walk(c)
			}
		}
	}
	walk(tree)
	if len(out) == 0 && strings.Contains(js, `"error"`) && !strings.Contains(js, `"statements"`) {
		return nil, fmt.Errorf("not an expression")
	}
	return out, nil
}

func quoteColumn(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// exprKind is what an expression must yield.
type exprKind int

const (
	exprValue exprKind = iota // any type; used as the field's text
	exprRule                  // a boolean row filter
)

// CheckExpr prepares one expression against an in-memory table whose columns are
// the ones it names (as VARCHAR, as the source's cells are text). header, when
// known, is the source's header: a named column it lacks is an error.
func CheckExpr(ctx context.Context, expr string, kind exprKind, header []string) error {
	db, err := exprDB()
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	refs, err := exprColumns(ctx, conn, expr)
	if err != nil {
		return err
	}
	if header != nil {
		cols, missing := matchColumns(refs, header)
		if len(missing) > 0 {
			return fmt.Errorf("column(s) %s not in the header", strings.Join(missing, ", "))
		}
		refs = cols
	}
	var defs []string
	for _, r := range refs {
		defs = append(defs, quoteColumn(r)+" VARCHAR")
	}
	if len(defs) == 0 {
		defs = []string{"_none VARCHAR"}
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE _check ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("columns %s: %w", strings.Join(refs, ", "), err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp._check")
	var name, typ string
	var null, key, def, extra sql.NullString
	err = conn.QueryRowContext(ctx, "DESCRIBE SELECT ("+expr+") AS x FROM _check").Scan(&name, &typ, &null, &key, &def, &extra)
	if err != nil {
		return cleanDuckErr(err)
	}
	if kind == exprRule && typ != "BOOLEAN" {
		return fmt.Errorf("a where rule must be a condition (true/false), this one gives %s", typ)
	}
	return nil
}

// cleanDuckErr drops the driver's prefix noise from a DuckDB error.
func cleanDuckErr(err error) error {
	s := err.Error()
	s = strings.TrimPrefix(s, "Binder Error: ")
	s = strings.TrimPrefix(s, "Parser Error: ")
	return fmt.Errorf("%s", strings.TrimSpace(s))
}

// matchColumns maps referenced names to header columns (exactly, else ignoring
// case, as DuckDB does) and lists the ones the header lacks.
func matchColumns(refs, header []string) (cols, missing []string) {
	for _, r := range refs {
		found := ""
		for _, h := range header {
			if cleanHeader(h) == r {
				found = cleanHeader(h)
				break
			}
		}
		if found == "" {
			for _, h := range header {
				if strings.EqualFold(cleanHeader(h), r) {
					found = cleanHeader(h)
					break
				}
			}
		}
		if found == "" {
			missing = append(missing, r)
			continue
		}
		cols = append(cols, found)
	}
	return cols, missing
}

// exprEval evaluates a source's where rules and expr fields for blocks of rows.
type exprEval struct {
	source string
	rules  []string
	exprs  []string
	cols   []int    // header indexes of the referenced columns
	names  []string // their names (the table's columns)
	width  int      // header width: expr results are appended after it
	query  string
}

// newExprEval compiles the expressions of a mapper against the file header.
func newExprEval(ctx context.Context, source string, rules, exprs []string, header []string) (*exprEval, error) {
	db, err := exprDB()
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	e := &exprEval{source: source, rules: rules, exprs: exprs, width: len(header)}
	idx := map[string]int{}
	for i, h := range header {
		if _, dup := idx[cleanHeader(h)]; !dup {
			idx[cleanHeader(h)] = i
		}
	}
	used := map[string]bool{}
	all := append(append([]string{}, rules...), exprs...)
	for i, x := range all {
		what := exprLabel(i, len(rules), x)
		refs, err := exprColumns(ctx, conn, x)
		if err != nil {
			return nil, fmt.Errorf("source %s: %s: %w", source, what, err)
		}
		cols, missing := matchColumns(refs, header)
		if len(missing) > 0 {
			return nil, fmt.Errorf("source %s: %s: column(s) %s not in the header (header: %s)", source, what, strings.Join(missing, ", "), strings.Join(header, ", "))
		}
		for _, c := range cols {
			if !used[c] {
				used[c] = true
				e.names = append(e.names, c)
				e.cols = append(e.cols, idx[c])
			}
		}
	}
	// Expressions run only for kept rows (CASE evaluates its branch lazily), so a
	// computed field may assume the filter holds.
	var body []string
	for _, r := range rules {
		body = append(body, "coalesce(("+r+"), false)")
	}
	cond := "true"
	if len(body) > 0 {
		cond = "(" + strings.Join(body, ") AND (") + ")"
	}
	cols := append([]string{"_rn"}, body...)
	for _, x := range exprs {
		cols = append(cols, "CASE WHEN "+cond+" THEN CAST(("+x+") AS VARCHAR) END")
	}
	e.query = "SELECT " + strings.Join(cols, ", ") + " FROM " + tablePlaceholder + " ORDER BY _rn"
	// Prepare once against an empty table: a bad expression fails the batch here,
	// before any row is read.
	w, err := e.worker(ctx, 0)
	if err != nil {
		return nil, err
	}
	defer w.close()
	for i, x := range all {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := w.conn.QueryRowContext(ctx, "DESCRIBE SELECT ("+x+") AS x FROM "+w.table).Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, fmt.Errorf("source %s: %s: %w", source, exprLabel(i, len(rules), x), cleanDuckErr(err))
		}
		if i < len(rules) && typ != "BOOLEAN" {
			return nil, fmt.Errorf("source %s: %s: a where rule must be a condition (true/false), this one gives %s", source, exprLabel(i, len(rules), x), typ)
		}
	}
	if _, _, err := w.apply(ctx, rowBlock{}); err != nil {
		return nil, err
	}
	return e, nil
}

// tablePlaceholder stands for a worker's table in exprEval.query (not a Sprintf
// verb: expressions hold % signs, as in LIKE patterns).
const tablePlaceholder = "\x00table\x00"

// exprWorker is one converter's connection and table.
type exprWorker struct {
	e     *exprEval
	conn  *sql.Conn
	table string
	query string
}

func (e *exprEval) worker(ctx context.Context, n int) (*exprWorker, error) {
	db, err := exprDB()
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// A temp table is private to its connection, so workers (and concurrent ingests
	// in one process) never see each other's rows.
	table := fmt.Sprintf("_raw%d", n)
	defs := []string{"_rn BIGINT"}
	for _, c := range e.names {
		defs = append(defs, quoteColumn(c)+" VARCHAR")
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+table+" ("+strings.Join(defs, ", ")+")"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("source %s: expression table: %w", e.source, err)
	}
	return &exprWorker{e: e, conn: conn, table: table, query: strings.Replace(e.query, tablePlaceholder, table, 1)}, nil
}

func (w *exprWorker) close() {
	_, _ = w.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+w.table)
	w.conn.Close()
}

// apply evaluates a block: it returns the kept rows (each extended by the expr
// results, NULL as "") and, per rule, how many rows that rule was the first to skip.
func (w *exprWorker) apply(ctx context.Context, blk rowBlock) (rowBlock, []int64, error) {
	e := w.e
	if _, err := w.conn.ExecContext(ctx, "DELETE FROM "+w.table); err != nil {
		return blk, nil, err
	}
	if len(blk.rows) > 0 {
		err := w.conn.Raw(func(dc any) error {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", w.table)
			if err != nil {
				return err
			}
			vals := make([]driver.Value, len(e.cols)+1)
			for i, row := range blk.rows {
				vals[0] = int64(i)
				for j, c := range e.cols {
					if c < len(row) {
						vals[j+1] = row[c]
					} else {
						vals[j+1] = nil
					}
				}
				if err := a.AppendRow(vals...); err != nil {
					a.Close()
					return err
				}
			}
			return a.Close()
		})
		if err != nil {
			return blk, nil, fmt.Errorf("source %s: expression rows: %w", e.source, err)
		}
	}
	rows, err := w.conn.QueryContext(ctx, w.query)
	if err != nil {
		return blk, nil, fmt.Errorf("source %s: expressions: %w", e.source, cleanDuckErr(err))
	}
	defer rows.Close()
	skipped := make([]int64, len(e.rules))
	out := rowBlock{rows: make([][]string, 0, len(blk.rows)), nums: make([]int64, 0, len(blk.rows))}
	keep := make([]bool, len(e.rules))
	res := make([]sql.NullString, len(e.exprs))
	dest := make([]any, 0, 1+len(keep)+len(res))
	var rn int64
	dest = append(dest, &rn)
	for i := range keep {
		dest = append(dest, &keep[i])
	}
	for i := range res {
		dest = append(dest, &res[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return blk, nil, err
		}
		dropped := false
		for i, k := range keep {
			if !k {
				skipped[i]++
				dropped = true
				break
			}
		}
		if dropped {
			continue
		}
		src := blk.rows[rn]
		row := make([]string, e.width+len(e.exprs))
		copy(row, src)
		for i, r := range res {
			row[e.width+i] = r.String
		}
		out.rows = append(out.rows, row)
		out.nums = append(out.nums, blk.nums[rn])
	}
	if err := rows.Err(); err != nil {
		return blk, nil, fmt.Errorf("source %s: expressions: %w", e.source, cleanDuckErr(err))
	}
	return out, skipped, nil
}

// skippedByJSON renders the per-rule skip counts for ingest_batches.skipped_by
// (NULL when no rule skipped anything).
func skippedByJSON(by map[string]int64) any {
	if len(by) == 0 {
		return nil
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // rules are SQL: keep <, > and & readable
	_ = enc.Encode(by)
	return strings.TrimSpace(b.String())
}

func exprLabel(i, nRules int, x string) string {
	if i < nRules {
		return "where rule " + x
	}
	return "expr " + x
}

// exprSourceColumns lists the source columns a source's expressions name (for
// readers that load only the columns a mapping reads). An expression that does not
// parse names none here; the batch then fails on it with the parse error.
func exprSourceColumns(src *config.Source) []string {
	var all []string
	all = append(all, src.Mapping.Where...)
	for _, fm := range src.Mapping.Fields {
		if fm.Expr != "" {
			all = append(all, fm.Expr)
		}
	}
	if len(all) == 0 {
		return nil
	}
	db, err := exprDB()
	if err != nil {
		return nil
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil
	}
	defer conn.Close()
	var out []string
	for _, x := range all {
		refs, _ := exprColumns(ctx, conn, x)
		out = append(out, refs...)
	}
	return out
}

// logIssues shows the first rejects and field warnings of a batch with the cell
// value that caused them (personal values are already redacted in the issue), and
// how to see the rest.
func logIssues(source, file string, batchID int64, all []issue) {
	const shown = 10
	for i, is := range all {
		if i >= shown {
			slog.Warn("more rejected records and field warnings are in the rejected table", "source", source, "file", file,
				"count", len(all), "see", fmt.Sprintf("xinfang sql \"SELECT row_number, field, reason, value FROM rejected WHERE batch_id = %d\"", batchID))
			break
		}
		msg := "field warning"
		if is.severity == "reject" {
			msg = "record rejected"
		}
		slog.Warn(msg, "source", source, "file", file, "row", is.row, "field", is.field, "reason", is.reason, "value", is.value)
	}
}
