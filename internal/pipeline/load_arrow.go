//go:build duckdb_arrow

package pipeline

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// ArrowLoading reports whether records reach DuckDB through its Arrow interface
// (built with -tags duckdb_arrow) rather than the Appender.
const ArrowLoading = true

// memoryStaging: staged records stay in memory and DuckDB scans them as a view.
const memoryStaging = true

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

// appendRecords copies records into the _stage table through an Arrow view.
func appendRecords(ctx context.Context, dc driver.Conn, recs []arrow.RecordBatch) error {
	release, err := registerRecords(dc, recs, "_stage_arrow")
	if err != nil {
		return err
	}
	defer release()
	ex := dc.(driver.ExecerContext)
	if _, err := ex.ExecContext(ctx, "INSERT INTO _stage SELECT * FROM _stage_arrow", nil); err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, "DROP VIEW IF EXISTS _stage_arrow", nil)
	return err
}
