package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/pipeline"
)

func newBenchIngestCommand(g *globalOptions) *cobra.Command {
	var opts benchDataOptions
	c := &cobra.Command{
		Use:   "ingest",
		Short: "Time ingesting a canonical CSV against DuckDB's own read_csv into the same table",
		Long: `Generates --records synthetic canonical records as a CSV, then loads it twice, each
time into a fresh database: (a) xinfang's ingest — parse, validate, pseudonymise,
Arrow staging, upsert — and (b) DuckDB's native read_csv straight into the petitions
table. Prints both times and the ratio.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBenchIngest(cmd, g, opts)
		},
	}
	opts.bind(c, "keep the generated CSV and databases")
	return c
}

func runBenchIngest(cmd *cobra.Command, g *globalOptions, opts benchDataOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	dir, cleanup, err := benchWorkDir(cmd, cfg, "xinfang-bench-ingest-", opts.Keep)
	if err != nil {
		return err
	}
	defer cleanup()
	var r pipeline.IngestBench
	if opts.CSV != "" {
		units := filepath.Join(filepath.Dir(opts.CSV), "units.csv")
		if _, err := os.Stat(units); err != nil {
			units = ""
		}
		r, err = pipeline.BenchIngestFile(cmd.Context(), cfg, opts.CSV, units, dir)
	} else {
		r, err = pipeline.BenchIngest(cmd.Context(), cfg, opts.Records, dir)
	}
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	path := "Appender (build without -tags duckdb_arrow)"
	if r.Arrow {
		path = "Arrow"
	}
	fmt.Fprintf(w, "records: %d (%.1f MB canonical CSV); loading via %s\n", r.Records, float64(r.FileBytes)/1e6, path)
	fmt.Fprintf(w, "xinfang ingest:         %s\n", r.Ours.Round(time.Millisecond))
	fmt.Fprintf(w, "DuckDB native read_csv: %s\n", r.Native.Round(time.Millisecond))
	fmt.Fprintf(w, "ratio ours/native: %.3f\n", r.Ratio())
	if r.NativeCPU > 0 {
		fmt.Fprintf(w, "CPU time (all threads): ours %s, native %s, ratio %.3f\n", r.OursCPU.Round(time.Millisecond),
			r.NativeCPU.Round(time.Millisecond), r.OursCPU.Seconds()/r.NativeCPU.Seconds())
	}
	fmt.Fprintf(w, "peak RSS during each load: ours %.0f MB, native %.0f MB (whole process, both loads: %.0f MB)\n",
		float64(r.OursPeakRSS)/1e6, float64(r.NativePeakRSS)/1e6, float64(r.PeakRSS)/1e6)
	return nil
}
