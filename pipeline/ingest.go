package pipeline

import (
	"context"
	"errors"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/store"
)

// IngestOptions selects what to ingest.
type IngestOptions struct {
	Sources     []string // only these sources (empty = all)
	Incremental bool     // only sources marked incremental
}

// IngestResult sums the batches of one ingest.
type IngestResult struct {
	Batches   []BatchResult
	RowsRead  int64
	Inserted  int64
	Updated   int64
	Unchanged int64
	Rejected  int64
	Warnings  int64
}

// BatchResult is one ingest batch (one file or one pull).
type BatchResult struct {
	BatchID   int64
	Source    string
	File      string
	Skipped   bool // unchanged file (same content hash)
	RowsRead  int64
	Inserted  int64
	Updated   int64
	Unchanged int64
	Rejected  int64
	Warnings  int64
}

// Ingest loads every configured source. PLACEHOLDER until the ingestion work lands.
func Ingest(ctx context.Context, db *store.DB, cfg *config.Config, opt IngestOptions) (*IngestResult, error) {
	return nil, errors.New("ingest: not implemented yet")
}
