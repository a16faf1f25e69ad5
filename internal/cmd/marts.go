package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
)

// openMarts opens the database for a command that reads the marts (export,
// report) and checks mart.build_info against want (zero: any as-of). Marts built
// for another date (or never built) are an error saying how to rebuild them, or,
// with rebuild, are rebuilt as of want (today when zero) on a writable open.
func openMarts(ctx context.Context, cfg *config.Config, want time.Time, rebuild bool, purpose string) (*store.DB, *queries.BuildInfo, error) {
	db, err := openReader(ctx, cfg)
	if err != nil && !rebuild {
		return nil, nil, err
	}
	if err == nil {
		bi, cerr := orchestrate.CheckMarts(ctx, db.DB, want)
		if cerr == nil {
			return db, bi, nil
		}
		db.Close()
		if !rebuild || !orchestrate.NeedsRebuild(cerr) {
			return nil, nil, fmt.Errorf("%s: %w", purpose, cerr)
		}
	}
	if want.IsZero() {
		want = cfg.AsOfDate()
	}
	w, err := openWriter(ctx, cfg, "xinfang "+purpose+" --rebuild")
	if err != nil {
		return nil, nil, err
	}
	bi, err := orchestrate.Rebuild(ctx, w, cfg, want)
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("%s --rebuild: %w", purpose, err)
	}
	return w, bi, nil
}
