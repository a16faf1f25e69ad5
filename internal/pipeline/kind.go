package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/xinfang/xinfang/internal/config"
)

// sourceKind is one value of sources[].kind: how one ingest of a source of this
// kind lists its batches and runs each. Each kind registers itself from its own
// file (kind_*.go); config validates kind names against spec.SourceKinds, and a
// test checks that the two lists agree.
type sourceKind interface {
	name() string
	// ingest runs every batch of one ingest of src (one per file, one per pull),
	// adding each to res; the errors name the batches that failed.
	ingest(ctx context.Context, in *ingester, src *config.Source, res *IngestResult) []error
	// snapshot reports whether each batch holds the whole source, so records
	// missing from it are deleted (a regenerated synthetic source).
	snapshot() bool
}

// fileKind is a kind read from files: a source's path is a file, a folder (files
// with one of exts) or a glob, and each file is one batch, skipped when its
// content was ingested before.
type fileKind struct {
	kind string
	exts []string
	// rawCells: cells come unformatted (spreadsheet date serials), see newMapper.
	rawCells bool
	open     func(ctx context.Context, db *sql.DB, src *config.Source, path string) (rowReader, error)
}

func (k *fileKind) name() string   { return k.kind }
func (k *fileKind) snapshot() bool { return false }
func (k *fileKind) ingest(ctx context.Context, in *ingester, src *config.Source, res *IngestResult) []error {
	return in.ingestFiles(ctx, src, k, res)
}

var sourceKinds = map[string]sourceKind{}

// registerKind adds a kind; called from the init of each kind's file.
func registerKind(k sourceKind) {
	if _, dup := sourceKinds[k.name()]; dup {
		panic("pipeline: source kind registered twice: " + k.name())
	}
	sourceKinds[k.name()] = k
}

// lookupKind finds the registered kind of a source.
func lookupKind(src *config.Source) (sourceKind, error) {
	k, ok := sourceKinds[src.Kind]
	if !ok {
		return nil, fmt.Errorf("source %s: unsupported kind %q", src.Name, src.Kind)
	}
	return k, nil
}

// lookupFileKind finds the kind of a source read from files; false for others.
func lookupFileKind(name string) (*fileKind, bool) {
	fk, ok := sourceKinds[name].(*fileKind)
	return fk, ok
}

// kindNames lists the registered kinds, sorted.
func kindNames() []string {
	out := make([]string, 0, len(sourceKinds))
	for n := range sourceKinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
