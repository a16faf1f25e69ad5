//go:build duckdb_arrow

package pipeline

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// ArrowLoading reports whether records reach DuckDB through its Arrow interface
// (built with -tags duckdb_arrow) rather than the Appender.
const ArrowLoading = true

// directLoading: a first load inserts each Arrow record straight into petitions.
const directLoading = true

// registerRecords exposes records to DuckDB as a view (a zero-copy Arrow stream
// scan). The returned release must be called once the statement using it is done.
func registerRecords(dc driver.Conn, recs []arrow.RecordBatch, name string) (func(), error) {
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return nil, fmt.Errorf("arrow interface: %w", err)
	}
	rr, err := array.NewRecordReader(stageSchema, recs)
	if err != nil {
		return nil, fmt.Errorf("arrow reader: %w", err)
	}
	release, err := ar.RegisterView(rr, name)
	rr.Release() // the exported stream holds its own reference
	if err != nil {
		return nil, fmt.Errorf("register arrow view: %w", err)
	}
	return release, nil
}

// insertRecords inserts one record into petitions through an Arrow view. When the
// insert fails the transaction is rolled back here (rolledBack), before the view's
// stream is released: DuckDB touches the stream when the view goes, and a failed
// statement leaves a transaction that can no longer drop it.
func insertRecords(ctx context.Context, dc driver.Conn, rec arrow.RecordBatch, source string, batchID int64) (n int64, rolledBack bool, err error) {
	release, err := registerRecords(dc, []arrow.RecordBatch{rec}, "_stage_v")
	if err != nil {
		return 0, false, err
	}
	defer release()
	ex := dc.(driver.ExecerContext)
	cols := strings.Join(upsertCols, ", ")
	// Every column of the view is read (row_num in a no-op term): duckdb-go's
	// C-API Arrow stream ignores projection pushdown, so a scan that skips a
	// column would misread the ones after it.
	r, err := ex.ExecContext(ctx, `INSERT INTO petitions (source, `+cols+`, batch_id) SELECT $1, `+cols+`, $2 + 0 * row_num FROM _stage_v`,
		[]driver.NamedValue{{Ordinal: 1, Value: source}, {Ordinal: 2, Value: batchID}})
	if err == nil {
		n, err = r.RowsAffected()
	}
	if err == nil {
		_, err = ex.ExecContext(ctx, "DROP VIEW _stage_v", nil)
	}
	if err != nil {
		_, _ = ex.ExecContext(context.WithoutCancel(ctx), "ROLLBACK", nil)
		return 0, true, err
	}
	return n, false, nil
}

// appendRecords copies records into the _stage table through an Arrow view.
func appendRecords(ctx context.Context, dc driver.Conn, recs []arrow.RecordBatch) error {
	release, err := registerRecords(dc, recs, "_stage_arrow")
	if err != nil {
		return err
	}
	defer release()
	ex := dc.(driver.ExecerContext)
	_, err = ex.ExecContext(ctx, "INSERT INTO _stage SELECT * FROM _stage_arrow", nil)
	_, derr := ex.ExecContext(context.WithoutCancel(ctx), "DROP VIEW IF EXISTS _stage_arrow", nil)
	if err != nil {
		return err
	}
	return derr
}
