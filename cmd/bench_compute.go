package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/orchestrate"
	"github.com/xinfang/xinfang/pipeline"
	"github.com/xinfang/xinfang/queries"
	"github.com/xinfang/xinfang/store"
)

type benchComputeOptions struct {
	Records int
	DB      string
	Keep    bool
}

func newBenchComputeCommand(g *globalOptions) *cobra.Command {
	var opts benchComputeOptions
	c := &cobra.Command{
		Use:   "compute",
		Short: "Time building all marts against the same .sql files run directly in DuckDB",
		Long: `Generates --records synthetic records (unless --db names an existing database),
ingests them, then times (a) queries.Build — our path: parameters, config tables and
every embedded .sql file in one transaction — and (b) the same .sql files concatenated
and executed directly as one DuckDB script on a plain connection. Prints both and the ratio.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			return benchCompute(cmd, cfg, opts.Records, opts.DB, opts.Keep)
		},
	}
	c.Flags().IntVar(&opts.Records, "records", 10_000_000, "synthetic records to generate")
	c.Flags().StringVar(&opts.DB, "db", "", "use this existing database instead of generating one")
	c.Flags().BoolVar(&opts.Keep, "keep", false, "keep the generated benchmark database")
	return c
}

func benchCompute(cmd *cobra.Command, cfg *config.Config, records int, dbPath string, keep bool) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "xinfang-bench-")
		if err != nil {
			return fmt.Errorf("bench: temp dir: %w", err)
		}
		if !keep {
			defer os.RemoveAll(dir)
		}
		dbPath = filepath.Join(dir, "bench.duckdb")
		c := *cfg
		c.Database = dbPath
		c.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
		c.Sources = []config.Source{{Name: "synthetic", Kind: "synthetic",
			Synthetic: config.Synthetic{Records: records, Seed: 7, Years: 5}}}
		cfg = &c
		db, err := store.Open(ctx, dbPath, orchestrate.StoreOptions(cfg, "bench compute"))
		if err != nil {
			return err
		}
		t0 := time.Now()
		ir, err := pipeline.Ingest(ctx, db, cfg, pipeline.IngestOptions{})
		if err != nil {
			db.Close()
			return fmt.Errorf("bench: ingest: %w", err)
		}
		fmt.Fprintf(out, "setup: generated and ingested %d records in %s\n", ir.RowsRead, time.Since(t0).Round(time.Millisecond))
		db.Close()
		if keep {
			fmt.Fprintf(out, "database kept at %s\n", dbPath)
		}
	}
	db, err := store.Open(ctx, dbPath, orchestrate.StoreOptions(cfg, "bench compute"))
	if err != nil {
		return err
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM petitions").Scan(&n); err != nil {
		return fmt.Errorf("bench: count petitions: %w", err)
	}
	asOf := cfg.AsOfDate()
	fmt.Fprintf(out, "records: %d, as of %s, %d SQL files\n", n, asOf.Format("2006-01-02"), mustFileCount())

	// Warm-up so both timed runs see the same (warm) buffer cache.
	if _, err := queries.Build(ctx, db.DB, cfg, asOf); err != nil {
		return err
	}
	ours, err := timeBuild(ctx, db, cfg, asOf)
	if err != nil {
		return err
	}
	native, err := timeNative(ctx, db, cfg, asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "xinfang compute (queries.Build):   %s\n", ours.Round(time.Millisecond))
	fmt.Fprintf(out, "same .sql run directly in DuckDB:  %s\n", native.Round(time.Millisecond))
	fmt.Fprintf(out, "ratio ours/native: %.3f\n", ours.Seconds()/native.Seconds())
	return nil
}

func mustFileCount() int {
	fs, _ := queries.Files()
	return len(fs)
}

func timeBuild(ctx context.Context, db *store.DB, cfg *config.Config, asOf time.Time) (time.Duration, error) {
	t0 := time.Now()
	if _, err := queries.Build(ctx, db.DB, cfg, asOf); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// timeNative runs the embedded files as one script on a bare connection: the
// parameters are set first (untimed) since a DuckDB user would set them too.
func timeNative(ctx context.Context, db *store.DB, cfg *config.Config, asOf time.Time) (time.Duration, error) {
	files, err := queries.Files()
	if err != nil {
		return 0, err
	}
	var script strings.Builder
	script.WriteString("BEGIN TRANSACTION;\n")
	for _, f := range files {
		script.WriteString(f.SQL)
		script.WriteString("\n")
	}
	script.WriteString("COMMIT;\n")
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("bench: connection: %w", err)
	}
	defer conn.Close()
	if err := queries.SetParams(ctx, conn, cfg, asOf); err != nil {
		return 0, err
	}
	t0 := time.Now()
	if _, err := conn.ExecContext(ctx, script.String()); err != nil {
		return 0, fmt.Errorf("bench: native script: %w", err)
	}
	return time.Since(t0), nil
}
