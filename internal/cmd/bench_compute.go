package cmd

import (
	"fmt"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
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
		Short: "Time building all marts against DuckDB floors measured in the same run",
		Long: `Generates --records synthetic records (unless --db names an existing database),
ingests them, then times, in the same run and on the same records: the floors — plain
DuckDB doing one scan + group by (unit, month), distinct petitioners per (unit, month), a
handling-days histogram and one wide copy of every petition — and queries.Build (every
mart, after one untimed warm-up build). Prints one table: wall and CPU time of each, the
ratio to the floors, and the process's peak RSS.`,
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
		c := *cfg
		dir, cleanup, err := benchWorkDir(cmd, &c, "xinfang-bench-", keep)
		if err != nil {
			return err
		}
		defer cleanup()
		dbPath = filepath.Join(dir, "bench.duckdb")
		c.Database = dbPath
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
	asOf := cfg.AsOfDate()
	r, err := orchestrate.BenchCompute(ctx, db, cfg, asOf)
	if err != nil {
		return err
	}
	limit := cfg.DuckDB.MemoryLimit
	if limit == "" {
		limit = "DuckDB default"
	}
	fmt.Fprintf(out, "records: %d as of %s, %d SQL files, memory_limit %s, threads %d\n",
		r.Records, asOf.Format("2006-01-02"), mustFileCount(), limit, cfg.DuckDB.Threads)
	tot := r.FloorTotal()
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "path\twall\tCPU\tCPU ÷ floors\t")
	for _, s := range append(append(r.Floors, tot), r.Ours) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%.2f\t\n", s.Name, s.Wall.Round(time.Millisecond), s.CPU.Round(time.Millisecond), s.CPU.Seconds()/tot.CPU.Seconds())
	}
	w.Flush()
	fmt.Fprintf(out, "ours ÷ floors: wall %.2f, CPU %.2f; peak RSS %.0f MB\n",
		r.Ours.Wall.Seconds()/tot.Wall.Seconds(), r.Ours.CPU.Seconds()/tot.CPU.Seconds(), float64(r.PeakRSS)/1e6)
	return nil
}

func mustFileCount() int {
	fs, _ := queries.Files()
	return len(fs)
}
