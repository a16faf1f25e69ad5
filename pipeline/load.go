package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"
)

// loader runs one batch on one connection inside one transaction: canonical Arrow
// records go into a temporary staging table, then one set-based upsert moves them
// into petitions. Nothing is visible to others until commit; a kill or an error
// before commit leaves the database as it was.
type loader struct {
	conn    *sql.Conn
	source  string
	file    string
	batchID int64
	inTx    bool
}

func stageDDL() string {
	var cols []string
	for _, f := range stageSchema.Fields() {
		var t string
		switch f.Type.ID() {
		case arrow.STRING:
			t = "VARCHAR"
		case arrow.TIMESTAMP:
			t = "TIMESTAMP"
		case arrow.DATE32:
			t = "DATE"
		case arrow.INT32:
			t = "INTEGER"
		case arrow.INT64:
			t = "BIGINT"
		case arrow.BOOL:
			t = "BOOLEAN"
		default:
			panic("stage column type " + f.Type.String())
		}
		cols = append(cols, f.Name+" "+t)
	}
	return "CREATE OR REPLACE TEMP TABLE _stage (" + strings.Join(cols, ", ") + ")"
}

// beginBatch takes a connection, opens the transaction and allocates the batch id.
func beginBatch(ctx context.Context, db *sql.DB, source, file string) (*loader, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("batch %s %s: connect: %w", source, file, err)
	}
	l := &loader{conn: conn, source: source, file: file}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("batch %s %s: begin: %w", source, file, err)
	}
	l.inTx = true
	if err := conn.QueryRowContext(ctx, "SELECT nextval('batch_seq')").Scan(&l.batchID); err != nil {
		l.abort()
		return nil, fmt.Errorf("batch %s %s: batch id: %w", source, file, err)
	}
	if _, err := conn.ExecContext(ctx, stageDDL()); err != nil {
		l.abort()
		return nil, fmt.Errorf("batch %s %s: staging table: %w", source, file, err)
	}
	return l, nil
}

// abort rolls back (if still in the transaction) and returns the connection.
func (l *loader) abort() {
	if l.conn == nil {
		return
	}
	if l.inTx {
		// A fresh context: the batch's own may be the one that was cancelled.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, _ = l.conn.ExecContext(ctx, "ROLLBACK")
		cancel()
		l.inTx = false
	}
	l.conn.Close()
	l.conn = nil
}

func (l *loader) exec(ctx context.Context, q string, args ...any) error {
	if _, err := l.conn.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("batch %s %s: %w", l.source, l.file, err)
	}
	return nil
}

// stage appends one Arrow record to the staging table (see load_arrow.go /
// load_appender.go for the two ways, chosen by the duckdb_arrow build tag).
func (l *loader) stage(ctx context.Context, rec arrow.RecordBatch) error {
	err := l.conn.Raw(func(dc any) error {
		return stageRecord(ctx, dc.(driver.Conn), rec)
	})
	if err != nil {
		return fmt.Errorf("batch %s %s: stage records: %w", l.source, l.file, err)
	}
	return nil
}

// addIssues writes rejected records and field warnings.
func (l *loader) addIssues(issues []issue) error {
	if len(issues) == 0 {
		return nil
	}
	err := l.conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", "rejected",
			[]string{"batch_id", "source", "file", "row_number", "petition_id", "field", "reason", "severity", "value"})
		if err != nil {
			return err
		}
		for _, is := range issues {
			var pid, val, file any
			if is.petitionID != "" {
				pid = is.petitionID
			}
			if is.value != "" {
				val = is.value
			}
			if l.file != "" {
				file = l.file
			}
			var row any
			if is.row > 0 {
				row = is.row
			}
			if err := a.AppendRow(l.batchID, l.source, file, row, pid, is.field, is.reason, is.severity, val); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	if err != nil {
		return fmt.Errorf("batch %s %s: write rejected records: %w", l.source, l.file, err)
	}
	return nil
}

// counts of one batch's upsert.
type upsertCounts struct {
	inserted, updated, unchanged, duplicates int64
}

var upsertCols = func() []string {
	var out []string
	for _, c := range stageColumns() {
		if c != "row_num" {
			out = append(out, c)
		}
	}
	return out
}()

// upsert dedups the staged rows (later updated_at wins, else the later row),
// classifies them against petitions and applies inserts and updates.
func (l *loader) upsert(ctx context.Context) (upsertCounts, error) {
	var c upsertCounts
	var n, distinct int64
	if err := l.conn.QueryRowContext(ctx, "SELECT count(*), count(DISTINCT petition_id) FROM _stage").Scan(&n, &distinct); err != nil {
		return c, fmt.Errorf("batch %s %s: count staged rows: %w", l.source, l.file, err)
	}
	src := "_stage"
	if distinct < n {
		c.duplicates = n - distinct
		// SPEC §3: the later updated_at wins, else the later row. When some of a
		// petition's rows lack updated_at, updated_at cannot order them: the later row wins.
		if err := l.exec(ctx, `CREATE OR REPLACE TEMP TABLE _stage_r AS
			SELECT *, row_number() OVER (PARTITION BY petition_id ORDER BY CASE WHEN n_upd = n THEN updated_at END DESC NULLS LAST, row_num DESC) AS rank_
			FROM (SELECT *, count(updated_at) OVER (PARTITION BY petition_id) AS n_upd, count(*) OVER (PARTITION BY petition_id) AS n FROM _stage)`); err != nil {
			return c, err
		}
		if err := l.exec(ctx, `INSERT INTO rejected (batch_id, source, file, row_number, petition_id, field, reason, severity)
			SELECT ?, ?, ?, d.row_num, d.petition_id, 'petition_id',
			       'duplicate petition_id in this batch: superseded by row ' || w.row_num, 'warning'
			FROM _stage_r d JOIN _stage_r w ON w.petition_id = d.petition_id AND w.rank_ = 1
			WHERE d.rank_ > 1`, l.batchID, l.source, nullable(l.file)); err != nil {
			return c, err
		}
		if err := l.exec(ctx, `CREATE OR REPLACE TEMP TABLE _stage_u AS SELECT * EXCLUDE (n_upd, n, rank_) FROM _stage_r WHERE rank_ = 1`); err != nil {
			return c, err
		}
		src = "_stage_u"
	}
	// A row older than the stored one (by updated_at) is stale: kept out, counted unchanged.
	if err := l.exec(ctx, `CREATE OR REPLACE TEMP TABLE _stage_a AS
		SELECT s.*, CASE WHEN p.petition_id IS NULL THEN 'insert'
		                 WHEN s.updated_at < p.updated_at THEN 'stale'
		                 WHEN s.row_hash = p.row_hash THEN 'same'
		                 ELSE 'update' END AS action_
		FROM `+src+` s LEFT JOIN (SELECT petition_id, updated_at, row_hash FROM petitions WHERE source = ?) p USING (petition_id)`, l.source); err != nil {
		return c, err
	}
	var ins, upd, same sql.NullInt64
	if err := l.conn.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE action_ = 'insert'), count(*) FILTER (WHERE action_ = 'update'),
		count(*) FILTER (WHERE action_ IN ('same', 'stale')) FROM _stage_a`).Scan(&ins, &upd, &same); err != nil {
		return c, fmt.Errorf("batch %s %s: classify: %w", l.source, l.file, err)
	}
	c.inserted, c.updated, c.unchanged = ins.Int64, upd.Int64, same.Int64
	cols := strings.Join(upsertCols, ", ")
	if c.inserted > 0 {
		if err := l.exec(ctx, `INSERT INTO petitions (source, `+cols+`, batch_id) SELECT ?, `+cols+`, ? FROM _stage_a WHERE action_ = 'insert'`, l.source, l.batchID); err != nil {
			return c, err
		}
	}
	if c.updated > 0 {
		var sets []string
		for _, col := range upsertCols {
			if col != "petition_id" {
				sets = append(sets, col+" = s."+col)
			}
		}
		if err := l.exec(ctx, `UPDATE petitions SET `+strings.Join(sets, ", ")+`, batch_id = ?
			FROM (SELECT * FROM _stage_a WHERE action_ = 'update') s
			WHERE petitions.source = ? AND petitions.petition_id = s.petition_id`, l.batchID, l.source); err != nil {
			return c, err
		}
	}
	return c, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// finish records the batch and the source's state, then commits.
func (l *loader) finish(ctx context.Context, b *BatchResult, started time.Time, contentHash string, sourceRow sourceState) error {
	if err := l.exec(ctx, `INSERT INTO ingest_batches (batch_id, source, file, content_hash, started_at, finished_at, status,
		rows_read, inserted, updated, unchanged, rejected, warnings)
		VALUES (?, ?, ?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?)`,
		l.batchID, l.source, nullable(l.file), nullable(contentHash), localNaive(started), localNaive(time.Now()),
		b.RowsRead, b.Inserted, b.Updated, b.Unchanged, b.Rejected, b.Warnings); err != nil {
		return err
	}
	if err := sourceRow.save(ctx, l.conn); err != nil {
		return fmt.Errorf("batch %s %s: %w", l.source, l.file, err)
	}
	for _, t := range []string{"_stage", "_stage_r", "_stage_u", "_stage_a"} {
		if err := l.exec(ctx, "DROP TABLE IF EXISTS temp."+t); err != nil {
			return err
		}
	}
	if failAfterStage != nil {
		if err := failAfterStage(l.source); err != nil {
			return err
		}
	}
	if err := l.exec(ctx, "COMMIT"); err != nil {
		return err
	}
	l.inTx = false
	l.conn.Close()
	l.conn = nil
	return nil
}

// failAfterStage is a test hook: an error here fails the batch just before commit.
var failAfterStage func(source string) error

// localNaive renders a time as naive local wall time for TIMESTAMP columns.
func localNaive(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// sourceState is the sources row written with each batch.
type sourceState struct {
	source       string
	kind         string
	mappedFields []string
	timeZone     string
	watermark    *string // nil = keep the stored one
}

func (s sourceState) save(ctx context.Context, conn *sql.Conn) error {
	fields := "[" + quoteList(s.mappedFields) + "]"
	wm := any(nil)
	if s.watermark != nil {
		wm = *s.watermark
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO sources (source, kind, mapped_fields, time_zone, watermark, updated_at)
		VALUES (?, ?, `+fields+`::VARCHAR[], ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET kind = excluded.kind, mapped_fields = excluded.mapped_fields,
		time_zone = excluded.time_zone, watermark = coalesce(excluded.watermark, sources.watermark), updated_at = excluded.updated_at`,
		s.source, s.kind, s.timeZone, wm, localNaive(time.Now()))
	if err != nil {
		return fmt.Errorf("record source %s: %w", s.source, err)
	}
	return nil
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

// recordFailedBatch notes a failed batch in its own transaction (the batch's own
// work was rolled back).
func recordFailedBatch(ctx context.Context, db *sql.DB, source, file, contentHash string, started time.Time, cause error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _ = db.ExecContext(ctx, `INSERT INTO ingest_batches (batch_id, source, file, content_hash, started_at, finished_at, status, error)
		VALUES (nextval('batch_seq'), ?, ?, ?, ?, ?, 'failed', ?)`,
		source, nullable(file), nullable(contentHash), localNaive(started), localNaive(time.Now()), cause.Error())
}
