package pipeline

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/xinfang/xinfang/internal/config"
)

const (
	defaultPGBatch = 50000
	wmAlias        = "__xinfang_wm"
)

// quoteIdent quotes a (possibly schema-qualified) PostgreSQL identifier.
func quoteIdent(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
	}
	return strings.Join(parts, ".")
}

// ingestPostgres pulls a PostgreSQL-protocol source. With a watermark column the
// pull is incremental: rows whose watermark is at or after the stored one, in
// watermark order, from one consistent snapshot; every batch_size rows make one
// DuckDB transaction that also advances the stored watermark, so an interrupted
// pull resumes where the last committed batch ended. (">=" rather than ">" re-reads
// the rows at the stored watermark: they come back unchanged, and rows sharing a
// watermark with the last committed row are never missed.)
func (in *ingester) ingestPostgres(ctx context.Context, src *config.Source, res *IngestResult) []error {
	started := time.Now()
	fail := func(err error) []error {
		err = fmt.Errorf("source %s: %w", src.Name, err)
		recordFailedBatch(ctx, in.db.DB, src.Name, "", "", started, err)
		slog.Error("pull failed", "source", src.Name, "err", err)
		return []error{err}
	}
	dsn := os.ExpandEnv(src.DSN)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fail(fmt.Errorf("connect: %w", redactDSNError(err, dsn)))
	}
	defer conn.Close(context.WithoutCancel(ctx))

	base := src.Query
	if base == "" {
		base = "SELECT * FROM " + quoteIdent(src.Table)
	}
	var stored *string
	if src.WatermarkColumn != "" {
		var wm *string
		err := in.db.QueryRowContext(ctx, "SELECT watermark FROM sources WHERE source = ?", src.Name).Scan(&wm)
		if err != nil && !isNoRows(err) {
			return fail(fmt.Errorf("read watermark: %w", err))
		}
		stored = wm
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fail(fmt.Errorf("begin snapshot: %w", err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	q := "SELECT * FROM (" + base + ") q"
	var args []any
	if src.WatermarkColumn != "" {
		wc := "q." + quoteIdent(src.WatermarkColumn)
		q = "SELECT q.*, " + wc + "::text AS " + wmAlias + " FROM (" + base + ") q"
		if stored != nil && *stored != "" {
			typ, err := watermarkType(ctx, tx, base, src.WatermarkColumn)
			if err != nil {
				return fail(err)
			}
			q += " WHERE " + wc + " >= $1::text::" + typ
			args = append(args, *stored)
		}
		q += " ORDER BY " + wc
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fail(fmt.Errorf("query: %w", err))
	}
	defer rows.Close()
	size := src.BatchSize
	if size <= 0 {
		size = defaultPGBatch
	}
	pr := &pgReader{rows: rows, limit: int64(size), wmCol: -1}
	for i, fd := range rows.FieldDescriptions() {
		pr.header = append(pr.header, fd.Name)
		pr.oids = append(pr.oids, fd.DataTypeOID)
		if fd.Name == wmAlias {
			pr.wmCol = i
		}
	}
	label := "postgres:" + src.Table
	if src.Table == "" {
		label = "postgres:query"
	}
	first := true
	for first || !pr.done {
		first = false
		pr.n = 0
		startRow := pr.row
		b, err := in.runBatch(ctx, src, false, label, "", func(context.Context) (rowReader, error) { return nopCloser{pr}, nil },
			func(ctx context.Context, l *loader, ss *sourceState) error {
				if pr.err != nil {
					return pr.err
				}
				if pr.lastWM != "" {
					wm := pr.lastWM
					ss.watermark = &wm
				}
				return nil
			})
		if err != nil {
			return fail(fmt.Errorf("batch of rows %d..%d: %w", startRow+1, pr.row, err))
		}
		res.add(b)
		if b.RowsRead == 0 && pr.done {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return fail(fmt.Errorf("read rows: %w", err))
	}
	return nil
}

func isNoRows(err error) bool { return err != nil && strings.Contains(err.Error(), "no rows") }

// watermarkType finds the SQL type of the watermark column, so the stored text
// watermark can be cast back to it.
func watermarkType(ctx context.Context, tx pgx.Tx, base, col string) (string, error) {
	rows, err := tx.Query(ctx, "SELECT q."+quoteIdent(col)+" FROM ("+base+") q LIMIT 0")
	if err != nil {
		return "", fmt.Errorf("watermark column %s: %w", col, err)
	}
	fds := rows.FieldDescriptions()
	rows.Close()
	if len(fds) != 1 {
		return "", fmt.Errorf("watermark column %s: not found", col)
	}
	var name string
	if err := tx.QueryRow(ctx, "SELECT format_type($1::oid, NULL)", fds[0].DataTypeOID).Scan(&name); err != nil {
		return "", fmt.Errorf("watermark column %s type: %w", col, err)
	}
	return name, nil
}

// redactDSNError keeps a password in the DSN out of the message.
func redactDSNError(err error, dsn string) error {
	msg := err.Error()
	if cfg, perr := pgx.ParseConfig(dsn); perr == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "***")
	}
	return errors.New(msg)
}

// pgReader turns pgx rows into text cells, at most limit rows per batch.
type pgReader struct {
	rows   pgx.Rows
	header []string
	oids   []uint32
	wmCol  int
	limit  int64
	n      int64
	row    int64
	done   bool
	lastWM string
	err    error
}

type nopCloser struct{ *pgReader }

func (nopCloser) Close() error { return nil }

// onePass: a pull's rows come from one cursor and cannot be read again, so its
// batches never load directly (a duplicate there would need a second read).
func (nopCloser) onePass() {}

func (p *pgReader) Header() []string { return p.header }

func (p *pgReader) Next() ([]string, int64, error) {
	if p.done || p.n >= p.limit {
		return nil, 0, io.EOF
	}
	if !p.rows.Next() {
		p.done = true
		if err := p.rows.Err(); err != nil {
			p.err = err
			return nil, 0, err
		}
		return nil, 0, io.EOF
	}
	vals, err := p.rows.Values()
	if err != nil {
		p.err = err
		return nil, 0, err
	}
	p.n++
	p.row++
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = pgText(v, p.oids[i])
	}
	if p.wmCol >= 0 && out[p.wmCol] != "" {
		p.lastWM = out[p.wmCol]
	}
	return out, p.row, nil
}

func (*pgReader) ProgressInBytes() bool      { return false }
func (p *pgReader) Progress() (int64, int64) { return p.row, 0 }

// pgText renders a PostgreSQL value as text the mapping parses: naive timestamps
// without an offset, timestamptz with one.
func pgText(v any, oid uint32) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case time.Time:
		switch oid {
		case pgtype.DateOID:
			return v.Format("2006-01-02")
		case pgtype.TimestampOID:
			return v.Format("2006-01-02 15:04:05.999999999")
		default:
			return v.Format(time.RFC3339Nano)
		}
	case driver.Valuer:
		if dv, err := v.Value(); err == nil {
			if dv == nil {
				return ""
			}
			return fmt.Sprint(dv)
		}
	}
	return fmt.Sprint(v)
}
