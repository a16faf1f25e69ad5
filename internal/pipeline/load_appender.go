//go:build !duckdb_arrow

package pipeline

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// ArrowLoading reports whether records reach DuckDB through its Arrow interface
// (built with -tags duckdb_arrow) rather than the Appender.
const ArrowLoading = false

// directLoading: without the Arrow interface every record is copied into _stage.
const directLoading = false

func insertRecords(context.Context, driver.Conn, arrow.RecordBatch, string, int64) (int64, bool, error) {
	return 0, false, fmt.Errorf("built without -tags duckdb_arrow: no direct loading")
}

// appendRecords copies records into the _stage table row by row with the Appender:
// the fallback for builds without the duckdb_arrow tag (duckdb-go compiles its
// Arrow interface only with that tag). Same result, slower.
func appendRecords(ctx context.Context, dc driver.Conn, recs []arrow.RecordBatch) error {
	a, err := duckdb.NewAppender(dc, "temp", "main", "_stage")
	if err != nil {
		return fmt.Errorf("appender: %w", err)
	}
	for _, rec := range recs {
		if err := appendRecord(ctx, a, rec); err != nil {
			a.Close()
			return err
		}
	}
	return a.Close()
}

func appendRecord(ctx context.Context, a *duckdb.Appender, rec arrow.RecordBatch) error {
	cols := rec.Columns()
	row := make([]driver.Value, len(cols))
	for i := 0; i < int(rec.NumRows()); i++ {
		if i%8192 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for j, c := range cols {
			if c.IsNull(i) {
				row[j] = nil
				continue
			}
			switch c := c.(type) {
			case *array.String:
				row[j] = c.Value(i)
			case *array.Timestamp:
				row[j] = time.UnixMicro(int64(c.Value(i))).UTC()
			case *array.Date32:
				row[j] = c.Value(i).ToTime()
			case *array.Int32:
				row[j] = c.Value(i)
			case *array.Int64:
				row[j] = c.Value(i)
			case *array.Uint64:
				row[j] = c.Value(i)
			case *array.Boolean:
				row[j] = c.Value(i)
			default:
				return fmt.Errorf("unsupported stage column type %s", c.DataType())
			}
		}
		if err := a.AppendRow(row...); err != nil {
			return err
		}
	}
	return nil
}
