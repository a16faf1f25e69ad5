package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/xinfang/xinfang/internal/spec"
	"log/slog"
	"strings"
	"time"
)

// Plausibility checks: after each ingest, every ingested source's stored records
// are checked for dates that contradict each other, which usually means a mapping
// mistake (two fields mapped to one column, a deadline column of another meaning).
// The results go to data_quality for the data-quality page and `xinfang sql`, and
// failing checks are logged as warnings with their counts.

// plausibilityCheck is one check: the rows it applies to and the rows failing it.
type plausibilityCheck struct {
	id      string
	applies string // SQL condition: the records the check looks at
	fails   string // SQL condition: the implausible ones among them
	// all: the check fails only when every applicable record fails (a single
	// same-instant closure is plausible; all of them is a mapping mistake).
	all bool
	msg string
}

var plausibilityChecks = []plausibilityCheck{
	{id: "closed_before_received", applies: "closed_at IS NOT NULL", fails: "closed_at < received_at",
		msg: "records closed before they were received"},
	{id: "due_before_received", applies: "due_at IS NOT NULL", fails: "due_at < received_date",
		msg: "records whose deadline (due_at) is before the day they were received"},
	{id: "accepted_before_received", applies: "accepted_at IS NOT NULL", fails: "accepted_at < received_date",
		msg: "records accepted before the day they were received"},
	{id: "feedback_before_received", applies: "feedback_at IS NOT NULL", fails: "feedback_at < received_date",
		msg: "records with feedback before the day they were received"},
	{id: "closed_equals_received", applies: "closed_at IS NOT NULL", fails: "closed_at = received_at", all: true,
		msg: "every closure is at the very instant of receipt: are received_at and closed_at mapped to the same column? (on-time rates are then trivially 1)"},
}

// QualityFinding is one check's result for one source.
type QualityFinding struct {
	Source, Check, Message string
	Rows, Total            int64
	Failing                bool
}

// checkPlausibility recomputes data_quality for the given sources.
func (in *ingester) checkPlausibility(ctx context.Context, sources []string) ([]QualityFinding, error) {
	var out []QualityFinding
	err := withTx(ctx, in.db.DB, func(conn *sql.Conn) error {
		for _, src := range sources {
			fs, err := plausibility(ctx, conn, src)
			if err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, "DELETE FROM data_quality WHERE source = ?", src); err != nil {
				return err
			}
			for _, f := range fs {
				if _, err := conn.ExecContext(ctx, `INSERT INTO data_quality (source, check_id, rows, total, failing, message, checked_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, f.Source, f.Check, f.Rows, f.Total, f.Failing, f.Message, time.Now()); err != nil {
					return err
				}
				if f.Failing {
					slog.Warn("implausible data: "+f.Message, "source", f.Source, "check", f.Check, "rows", f.Rows, "of", f.Total,
						"see", fmt.Sprintf("xinfang sql \"SELECT * FROM data_quality WHERE source = '%s'\"", f.Source))
				}
			}
			out = append(out, fs...)
			if err := fieldCoverage(ctx, conn, src); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plausibility checks: %w", err)
	}
	return out, nil
}

func plausibility(ctx context.Context, conn *sql.Conn, source string) ([]QualityFinding, error) {
	q := "SELECT "
	for i, c := range plausibilityChecks {
		if i > 0 {
			q += ", "
		}
		q += fmt.Sprintf("count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s AND %s)", c.applies, c.applies, c.fails)
	}
	q += " FROM petitions WHERE source = ?"
	vals := make([]int64, 2*len(plausibilityChecks))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := conn.QueryRowContext(ctx, q, source).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("source %s: %w", source, err)
	}
	var out []QualityFinding
	for i, c := range plausibilityChecks {
		total, rows := vals[2*i], vals[2*i+1]
		failing := rows > 0
		if c.all {
			failing = total > 0 && rows == total
		}
		out = append(out, QualityFinding{Source: source, Check: c.id, Message: c.msg, Rows: rows, Total: total, Failing: failing})
	}
	return out, nil
}

// fieldCoverage recomputes field_coverage for a source: blank counts of the
// fields its sources row says it maps.
func fieldCoverage(ctx context.Context, conn *sql.Conn, source string) error {
	if _, err := conn.ExecContext(ctx, "DELETE FROM field_coverage WHERE source = ?", source); err != nil {
		return err
	}
	var fields []string
	rows, err := conn.QueryContext(ctx, "SELECT unnest(mapped_fields) FROM sources WHERE source = ?", source)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return err
		}
		if spec.IsField(f) { // only canonical names reach the SQL below
			fields = append(fields, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(fields) == 0 {
		return nil
	}
	// One scan counts every field's blanks (a UNION ALL of one scan per field cost
	// minutes at 10M records).
	counts := make([]int64, len(fields)+1) // the total, then each field's blanks
	ptrs := make([]any, len(counts))
	for i := range counts {
		ptrs[i] = &counts[i]
	}
	parts := []string{"count(*)"}
	for _, f := range fields {
		parts = append(parts, fmt.Sprintf("count(*) FILTER (WHERE %s IS NULL)", f))
	}
	if err := conn.QueryRowContext(ctx, "SELECT "+strings.Join(parts, ", ")+" FROM petitions WHERE source = ?", source).Scan(ptrs...); err != nil {
		return fmt.Errorf("field coverage of %s: %w", source, err)
	}
	total := counts[0]
	now := time.Now()
	var vals []string
	var args []any
	for i, f := range fields {
		vals = append(vals, "(?, ?, ?, ?, ?)")
		args = append(args, source, f, counts[i+1], total, now)
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO field_coverage (source, field, blank, total, checked_at) VALUES "+strings.Join(vals, ", "), args...); err != nil {
		return fmt.Errorf("field coverage of %s: %w", source, err)
	}
	return nil
}
