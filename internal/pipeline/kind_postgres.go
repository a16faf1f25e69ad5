package pipeline

import (
	"context"

	"github.com/xinfang/xinfang/internal/config"
)

// postgresKind pulls a PostgreSQL-protocol database (postgres.go), batch_size rows
// a batch, incrementally with a watermark column.
type postgresKind struct{}

func init() { registerKind(postgresKind{}) }

func (postgresKind) name() string   { return "postgres" }
func (postgresKind) snapshot() bool { return false }
func (postgresKind) ingest(ctx context.Context, in *ingester, src *config.Source, res *IngestResult) []error {
	return in.ingestPostgres(ctx, src, res)
}
