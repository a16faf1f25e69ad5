package pipeline

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"
)

// loader runs one batch on one connection inside one transaction. Canonical Arrow
// records are loaded as they arrive, so neither side holds the whole batch: on the
// first load of a source (direct) each record goes straight into petitions; else
// into a temporary staging table (spilled by DuckDB beyond its memory limit), from
// which one set-based upsert moves them into petitions. Nothing is visible to others
// until commit; a kill or an error before commit leaves the database as it was.
type loader struct {
	conn    *sql.Conn
	source  string
	file    string
	batchID int64
	inTx    bool
	// existing is the number of stored rows of the source when the batch began.
	existing int64
	// direct: records are inserted into petitions as they come (the source has no
	// stored rows). A duplicate petition_id then fails the insert on the primary
	// key, and the batch is read again through _stage (errDuplicateInBatch).
	direct   bool
	inserted int64 // rows inserted directly
	records  int64 // Arrow records loaded
	// threads is DuckDB's thread count to restore after the direct load (0 = none).
	threads int64
}

// errDuplicateInBatch: a direct load met a petition_id twice; the batch is rolled
// back and read again through the staging table, which resolves duplicates.
var errDuplicateInBatch = errors.New("duplicate petition_id in a direct load")

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
		case arrow.UINT64:
			t = "UBIGINT"
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
// allowDirect permits loading straight into petitions when the source has no rows.
// setting, when not empty, runs first on the connection (the ingest's memory budget).
func beginBatch(ctx context.Context, db *sql.DB, source, file string, allowDirect bool, setting string) (*loader, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("batch %s %s: connect: %w", source, file, err)
	}
	if setting != "" {
		if _, err := conn.ExecContext(ctx, setting); err != nil {
			conn.Close()
			return nil, fmt.Errorf("batch %s %s: %s: %w", source, file, setting, err)
		}
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
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM petitions WHERE source = ?", source).Scan(&l.existing); err != nil {
		l.abort()
		return nil, fmt.Errorf("batch %s %s: count stored rows: %w", source, file, err)
	}
	l.direct = allowDirect && directLoading && l.existing == 0
	if l.direct {
		// One DuckDB thread while records are inserted one by one: an insert from one
		// Arrow record runs on one thread, and with more the calling thread spins
		// waiting for the worker (a third of the ingest's CPU time at 1M records);
		// the other cores convert the next records meanwhile.
		if err := conn.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&l.threads); err != nil {
			l.abort()
			return nil, fmt.Errorf("batch %s %s: read threads: %w", source, file, err)
		}
		if _, err := conn.ExecContext(ctx, "SET threads = 1"); err != nil {
			l.abort()
			return nil, fmt.Errorf("batch %s %s: set threads: %w", source, file, err)
		}
	} else {
		if _, err := conn.ExecContext(ctx, stageDDL()); err != nil {
			l.abort()
			return nil, fmt.Errorf("batch %s %s: staging table: %w", source, file, err)
		}
	}
	return l, nil
}

// restoreThreads gives DuckDB back its threads after a direct load.
func (l *loader) restoreThreads(ctx context.Context) error {
	if l.threads == 0 {
		return nil
	}
	if _, err := l.conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", l.threads)); err != nil {
		return fmt.Errorf("batch %s %s: restore threads: %w", l.source, l.file, err)
	}
	l.threads = 0
	return nil
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
	if l.threads != 0 { // after the rollback: a failed transaction refuses SET
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = l.restoreThreads(ctx)
		cancel()
	}
	l.conn.Close()
	l.conn = nil
}

func (l *loader) exec(ctx context.Context, q string, args ...any) error {
	t0 := time.Now()
	if _, err := l.conn.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("batch %s %s: %w", l.source, l.file, err)
	}
	if d := time.Since(t0); d > 50*time.Millisecond {
		slog.Debug("batch statement", "source", l.source, "took", d.Round(time.Millisecond), "sql", firstWords(q))
	}
	return nil
}

// stage loads one canonical Arrow record: into petitions (direct) or _stage.
func (l *loader) stage(ctx context.Context, rec arrow.RecordBatch) error {
	var n int64
	err := l.conn.Raw(func(dc any) error {
		if l.direct {
			var err error
			var rolledBack bool
			n, rolledBack, err = insertRecords(ctx, dc.(driver.Conn), rec, l.source, l.batchID)
			if rolledBack {
				l.inTx = false
			}
			return err
		}
		return appendRecords(ctx, dc.(driver.Conn), []arrow.RecordBatch{rec})
	})
	if err != nil {
		var de *duckdb.Error
		if l.direct && errors.As(err, &de) && de.Type == duckdb.ErrorTypeConstraint {
			return errDuplicateInBatch
		}
		return fmt.Errorf("batch %s %s: stage records: %w", l.source, l.file, err)
	}
	l.inserted += n
	l.records++
	if l.records%16 == 0 && slog.Default().Enabled(ctx, slog.LevelDebug) {
		l.logMemory(ctx)
	}
	return nil
}

// logMemory logs (debug) where the memory is: DuckDB's buffer manager by tag and
// the Go heap.
func (l *loader) logMemory(ctx context.Context) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var tags string
	_ = l.conn.QueryRowContext(ctx, `SELECT string_agg(tag || '=' || (memory_usage_bytes >> 20) || 'M' ||
		CASE WHEN temporary_storage_bytes > 0 THEN '+' || (temporary_storage_bytes >> 20) || 'M spilled' ELSE '' END, ' ' ORDER BY memory_usage_bytes DESC)
		FROM duckdb_memory() WHERE memory_usage_bytes + temporary_storage_bytes > 0`).Scan(&tags)
	slog.Debug("batch memory", "source", l.source, "records", l.records, "go_heap_mb", ms.HeapInuse>>20, "go_sys_mb", ms.Sys>>20, "duckdb", tags)
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
	inserted, updated, unchanged, duplicates, deleted int64
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
// classifies them against petitions and applies inserts and updates. After a
// direct load there is nothing left to do.
//
// snapshot (the synthetic source) means the input is the source's whole content:
// stored rows of the source that it no longer has are deleted.
func (l *loader) upsert(ctx context.Context, snapshot bool) (upsertCounts, error) {
	var c upsertCounts
	if l.direct {
		c.inserted = l.inserted
		return c, l.restoreThreads(ctx)
	}
	cols := strings.Join(upsertCols, ", ")
	existing := l.existing
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
	if existing > 0 {
		// Changed rows first: a different row_hash, unless the stored version has a
		// later updated_at (then the incoming row is stale and kept out).
		var sets []string
		for _, col := range upsertCols {
			if col != "petition_id" {
				sets = append(sets, col+" = s."+col)
			}
		}
		n, err := l.execN(ctx, `UPDATE petitions SET `+strings.Join(sets, ", ")+`, batch_id = ?
			FROM `+src+` s
			WHERE petitions.source = ? AND petitions.petition_id = s.petition_id
			  AND petitions.row_hash IS DISTINCT FROM s.row_hash
			  AND NOT coalesce(s.updated_at < petitions.updated_at, false)`, l.batchID, l.source)
		if err != nil {
			return c, err
		}
		c.updated = n
	}
	// New rows: an anti-join, or (no stored rows of this source) everything.
	q := `INSERT INTO petitions (source, ` + cols + `, batch_id) SELECT ?, ` + cols + `, ? FROM ` + src + ` s`
	args := []any{l.source, l.batchID}
	if existing > 0 {
		q += ` WHERE NOT EXISTS (SELECT 1 FROM petitions p WHERE p.source = ? AND p.petition_id = s.petition_id)`
		args = append(args, l.source)
	}
	ni, err := l.execN(ctx, q, args...)
	if err != nil {
		return c, err
	}
	c.inserted = ni
	if snapshot && existing > 0 {
		nd, err := l.execN(ctx, `DELETE FROM petitions WHERE source = ? AND petition_id NOT IN (SELECT petition_id FROM `+src+`)`, l.source)
		if err != nil {
			return c, err
		}
		c.deleted = nd
	}
	c.unchanged = distinct - c.inserted - c.updated
	return c, nil
}

func (l *loader) execN(ctx context.Context, q string, args ...any) (int64, error) {
	t0 := time.Now()
	r, err := l.conn.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("batch %s %s: %w", l.source, l.file, err)
	}
	slog.Debug("batch statement", "source", l.source, "took", time.Since(t0).Round(time.Millisecond), "sql", firstWords(q))
	n, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("batch %s %s: rows affected: %w", l.source, l.file, err)
	}
	return n, nil
}

func firstWords(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 60 {
		q = q[:60]
	}
	return q
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
		rows_read, inserted, updated, unchanged, rejected, warnings, skipped, skipped_by)
		VALUES (?, ?, ?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.batchID, l.source, nullable(l.file), nullable(contentHash), started, time.Now(),
		b.RowsRead, b.Inserted, b.Updated, b.Unchanged, b.Rejected, b.Warnings, b.SkippedRows, skippedByJSON(b.SkippedBy)); err != nil {
		return err
	}
	if err := sourceRow.save(ctx, l.conn); err != nil {
		return fmt.Errorf("batch %s %s: %w", l.source, l.file, err)
	}
	for _, t := range []string{"_stage", "_stage_r", "_stage_u"} {
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
		s.source, s.kind, s.timeZone, wm, time.Now())
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
		source, nullable(file), nullable(contentHash), started, time.Now(), cause.Error())
}
