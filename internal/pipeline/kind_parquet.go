package pipeline

import (
	"context"
	"database/sql"

	"github.com/xinfang/xinfang/internal/config"
)

func init() {
	registerKind(&fileKind{kind: "parquet", exts: []string{".parquet", ".pq"},
		open: func(ctx context.Context, db *sql.DB, _ *config.Source, path string) (rowReader, error) {
			// DuckDB's own Parquet reader: db is the ingest (or check) database.
			return openParquet(ctx, db, path)
		}})
}
