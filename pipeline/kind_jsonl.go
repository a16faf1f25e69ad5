package pipeline

import (
	"context"
	"database/sql"

	"github.com/xinfang/xinfang/config"
)

func init() {
	registerKind(&fileKind{kind: "jsonl", exts: []string{".jsonl", ".ndjson", ".json"},
		open: func(_ context.Context, _ *sql.DB, src *config.Source, path string) (rowReader, error) {
			// Only the mapped keys are kept: a JSON line may carry many more.
			return openJSONL(path, mappedColumns(src))
		}})
}
