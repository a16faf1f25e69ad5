package orchestrate

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/brief"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// BriefOptions select the quarterly 情况通报 to write.
type BriefOptions struct {
	Quarter string
	OutDir  string // reports folder (default cfg.ReportsDir)
	Force   bool   // replace an existing brief
	ReviewOptions
}

// Brief writes the quarter's 情况通报 from the quarterly review's own marts, never the
// live ones: from the archive's Parquet snapshot when the quarter is archived, else
// by archiving the review first (which writes the brief beside its pages).
func Brief(ctx context.Context, db *store.DB, cfg *config.Config, opt BriefOptions) (string, error) {
	if opt.OutDir == "" {
		opt.OutDir = cfg.ReportsDir
	}
	if !archive.Exists(opt.OutDir, opt.Quarter) {
		ro := opt.ReviewOptions
		ro.Quarter, ro.OutDir = opt.Quarter, opt.OutDir
		if _, err := Review(ctx, db, cfg, ro); err != nil {
			return "", err
		}
		return brief.Path(opt.OutDir, opt.Quarter), nil
	}
	snap := filepath.Join(archive.Dir(opt.OutDir, opt.Quarter), archive.MartsDir)
	mdb, err := sql.Open("duckdb", "")
	if err != nil {
		return "", fmt.Errorf("brief: %w", err)
	}
	defer mdb.Close()
	mdb.SetMaxOpenConns(1) // the views live in this one in-memory database
	files, err := filepath.Glob(filepath.Join(snap, "*.parquet"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("brief: %s has no Parquet snapshot of its marts to draw the brief from", snap)
	}
	if _, err := mdb.ExecContext(ctx, `CREATE SCHEMA mart`); err != nil {
		return "", fmt.Errorf("brief: %w", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".parquet")
		q := `CREATE VIEW mart."` + strings.ReplaceAll(name, `"`, `""`) + `" AS SELECT * FROM read_parquet(` + sqlQuote(f) + `)`
		if _, err := mdb.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("brief: open the snapshot %s: %w", f, err)
		}
	}
	res, err := brief.Write(ctx, mdb, cfg, opt.Quarter, brief.Options{OutDir: opt.OutDir, Force: opt.Force})
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(res.Path); err != nil {
		return "", fmt.Errorf("brief: %w", err)
	}
	return res.Path, nil
}
