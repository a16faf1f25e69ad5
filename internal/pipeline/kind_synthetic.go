package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline/synthetic"
)

// syntheticKind generates a canonical CSV (and units) and ingests it as a whole
// snapshot of the source: records the regenerated data no longer has are deleted.
type syntheticKind struct{}

func init() { registerKind(syntheticKind{}) }

func (syntheticKind) name() string   { return "synthetic" }
func (syntheticKind) snapshot() bool { return true }

// ingest generates the canonical files beside the database and ingests
// them like a canonical CSV source (plus the generator's units, unless a units file
// is configured).
func (syntheticKind) ingest(ctx context.Context, in *ingester, src *config.Source, res *IngestResult) []error {
	withUnits := !in.unitsDone
	dir := syntheticDir(in.cfg, src.Name)
	p := synthetic.Params{Records: src.Synthetic.Records, Seed: src.Synthetic.Seed, Years: src.Synthetic.Years,
		AsOf: in.cfg.AsOfDate(), Loc: in.loc}
	started := time.Now()
	petitions, units, st, err := synthetic.GenerateFiles(p, dir)
	if err != nil {
		recordFailedBatch(ctx, in.db.DB, src.Name, dir, "", started, err)
		return []error{fmt.Errorf("source %s: %w", src.Name, err)}
	}
	slog.Info("synthetic data generated", "source", src.Name, "records", st.Records, "units", st.Units, "dir", dir,
		"took", time.Since(started).Round(time.Millisecond))
	var errs []error
	if withUnits {
		n, err := in.replaceUnits(ctx, units, nil, "utf-8")
		if err != nil {
			errs = append(errs, err)
		} else {
			res.Units = n
		}
	}
	if err := in.ingestFile(ctx, src, csvKind, petitions, res); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		in.unitsDone = true
	}
	return errs
}

// syntheticDir is var/synthetic/<source> beside the database.
func syntheticDir(cfg *config.Config, source string) string {
	base := filepath.Dir(cfg.Database)
	if cfg.Database == "" || cfg.Database == ":memory:" {
		base = filepath.Join(os.TempDir(), "xinfang")
	}
	return filepath.Join(base, "synthetic", source)
}
