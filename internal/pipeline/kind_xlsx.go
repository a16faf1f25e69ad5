package pipeline

import (
	"context"
	"database/sql"

	"github.com/xinfang/xinfang/internal/config"
)

func init() {
	registerKind(&fileKind{kind: "xlsx", exts: []string{".xlsx", ".xlsm"}, rawCells: true,
		open: func(_ context.Context, _ *sql.DB, src *config.Source, path string) (rowReader, error) {
			return openXLSX(path, src.Sheet, src.HeaderRow)
		}})
}
