package pipeline

import (
	"context"
	"database/sql"

	"github.com/xinfang/xinfang/internal/config"
)

// csvKind is also how the synthetic kind reads the canonical CSV it generates.
var csvKind = &fileKind{kind: "csv", exts: []string{".csv", ".txt"},
	open: func(_ context.Context, _ *sql.DB, src *config.Source, path string) (rowReader, error) {
		return openDelimited(path, src.Encoding, src.Delimiter, src.HeaderRow)
	}}

func init() {
	registerKind(csvKind)
	registerKind(&fileKind{kind: "tsv", exts: []string{".tsv", ".tab", ".txt"},
		open: func(_ context.Context, _ *sql.DB, src *config.Source, path string) (rowReader, error) {
			delim := src.Delimiter
			if delim == "" {
				delim = "\t"
			}
			return openDelimited(path, src.Encoding, delim, src.HeaderRow)
		}})
}
