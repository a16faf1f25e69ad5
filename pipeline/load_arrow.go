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

// stageRecord hands the record to DuckDB as an Arrow stream (zero-copy scan) and
// inserts it into the staging table.
func stageRecord(ctx context.Context, dc driver.Conn, rec arrow.RecordBatch) error {
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return fmt.Errorf("arrow interface: %w", err)
	}
	rr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return fmt.Errorf("arrow reader: %w", err)
	}
	defer rr.Release()
	release, err := ar.RegisterView(rr, "_stage_arrow")
	if err != nil {
		return fmt.Errorf("register arrow view: %w", err)
	}
	defer release()
	ex := dc.(driver.ExecerContext)
	if _, err := ex.ExecContext(ctx, "INSERT INTO _stage SELECT * FROM _stage_arrow", nil); err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, "DROP VIEW IF EXISTS _stage_arrow", nil)
	return err
}
