// Package adhoc runs a user's SQL query against the xinfang database for
// `xinfang sql`: read-only, printed as an aligned table or as CSV. It exists
// because a server running xinfang often has no DuckDB command-line tool.
package adhoc

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// Formats are the output formats Run accepts.
var Formats = []string{"table", "csv"}

// Lockdown makes a connection unable to touch anything but the open database:
// no reading or writing files (read_csv, COPY TO, ATTACH); DuckDB refuses to turn
// that back on while the database is open. The database itself is opened
// read-only by the caller. The setting is database-wide, so it is set once.
func Lockdown(ctx context.Context, conn *sql.Conn) error {
	var on string
	if err := conn.QueryRowContext(ctx, "SELECT CAST(current_setting('enable_external_access') AS VARCHAR)").Scan(&on); err != nil {
		return fmt.Errorf("lock down query connection: %w", err)
	}
	if on == "false" {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "SET enable_external_access = false"); err != nil {
		return fmt.Errorf("lock down query connection: %w", err)
	}
	return nil
}

// Run executes query on db and writes its result to w in format (table or csv).
// It returns the number of rows written.
func Run(ctx context.Context, db *sql.DB, query, format string, w io.Writer) (int, error) {
	if format != "table" && format != "csv" {
		return 0, fmt.Errorf("--format: want table or csv, got %q", format)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := Lockdown(ctx, conn); err != nil {
		return 0, err
	}
	q := strings.TrimRight(strings.TrimSpace(query), "; \t\n")
	if q == "" {
		return 0, fmt.Errorf("no query given")
	}
	// DuckDB renders every value as text the way its own CLI would (dates, decimals,
	// lists); statements that cannot be a subquery (PRAGMA, SET) run as given.
	rows, err := conn.QueryContext(ctx, "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ("+q+")")
	if err != nil {
		rows, err = conn.QueryContext(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("query: %w", err)
		}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	var out writer
	if format == "csv" {
		out = &csvOut{w: csv.NewWriter(w)}
	} else {
		out = &tableOut{w: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	}
	if err := out.row(cols); err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	cells := make([]string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			cells[i] = text(v, format == "table")
		}
		if err := out.row(cells); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("query: %w", err)
	}
	return n, out.flush(n)
}

// text renders one value; NULL is "NULL" in a table (told apart from an empty
// string) and empty in CSV.
func text(v any, table bool) string {
	switch x := v.(type) {
	case nil:
		if table {
			return "NULL"
		}
		return ""
	case string:
		if table {
			return oneLine(x)
		}
		return x
	case []byte:
		return fmt.Sprintf("\\x%x", x)
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999")
	default:
		return fmt.Sprint(x)
	}
}

// oneLine keeps a table cell on its line and its width bounded.
func oneLine(s string) string {
	s = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
	if utf8.RuneCountInString(s) > 80 {
		r := []rune(s)
		s = string(r[:79]) + "…"
	}
	return s
}

type writer interface {
	row([]string) error
	flush(n int) error
}

type csvOut struct{ w *csv.Writer }

func (c *csvOut) row(r []string) error { return c.w.Write(r) }
func (c *csvOut) flush(int) error {
	c.w.Flush()
	return c.w.Error()
}

type tableOut struct {
	w     *tabwriter.Writer
	lines int
}

func (t *tableOut) row(r []string) error {
	_, err := fmt.Fprintln(t.w, strings.Join(r, "\t"))
	if t.lines == 0 && err == nil {
		dashes := make([]string, len(r))
		for i, c := range r {
			dashes[i] = strings.Repeat("-", max(utf8.RuneCountInString(c), 1))
		}
		_, err = fmt.Fprintln(t.w, strings.Join(dashes, "\t"))
	}
	t.lines++
	return err
}

func (t *tableOut) flush(n int) error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(t.w, "(%d rows)\n", n)
	if err == nil {
		err = t.w.Flush()
	}
	return err
}
