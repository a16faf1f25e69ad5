package pipeline

import (
	"context"
	"database/sql"
	"slices"
	"sort"

	"github.com/xinfang/xinfang/internal/config"
)

func init() {
	registerKind(&fileKind{kind: "jsonl", exts: []string{".jsonl", ".ndjson", ".json"},
		open: func(_ context.Context, _ *sql.DB, src *config.Source, path string) (rowReader, error) {
			// Only the mapped keys are kept: a JSON line may carry many more.
			return openJSONL(path, mappedColumns(src))
		}})
}

// mappedColumns lists the source columns a mapping reads.
func mappedColumns(src *config.Source) []string {
	var out []string
	for _, fm := range src.Mapping.Fields {
		if fm.Column != "" {
			out = append(out, fm.Column)
		}
		out = append(out, fm.Columns...)
	}
	out = append(out, exprSourceColumns(src)...)
	sort.Strings(out)
	return slices.Compact(out)
}
