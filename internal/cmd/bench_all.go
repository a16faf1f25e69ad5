package cmd

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/orchestrate"
)

func newBenchAllCommand(g *globalOptions) *cobra.Command {
	var opts benchDataOptions
	c := &cobra.Command{
		Use:   "all",
		Short: "Time ingest, compute and report against DuckDB's own paths, in one run, as one table",
		Long: `Generates --records synthetic canonical records as a CSV and measures, in this one
run and on these records:
  - DuckDB's native read_csv into the keyed petitions table (fresh database), and
    xinfang ingest of the same CSV (parse, validate, pseudonymise, load; fresh database);
  - on the ingested database, the compute floors (one scan + group by (unit, month),
    distinct petitioners, a handling-days histogram, one wide copy) and queries.Build
    of every mart (after one untimed warm-up build);
  - rendering the full report site.
Prints one table: wall and CPU time of each path, the ratio of our CPU time to the
native path or floors, and the process's peak RSS during each step.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBenchAll(cmd, g, opts)
		},
	}
	opts.bind(c, "keep the generated CSV, databases and site")
	return c
}

func runBenchAll(cmd *cobra.Command, g *globalOptions, opts benchDataOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	dir, cleanup, err := benchWorkDir(cmd, cfg, "xinfang-bench-all-", opts.Keep)
	if err != nil {
		return err
	}
	defer cleanup()
	r, err := orchestrate.BenchAll(cmd.Context(), cfg, opts.Records, opts.CSV, dir)
	if err != nil {
		return err
	}
	limit := cfg.DuckDB.MemoryLimit
	if limit == "" {
		limit = "DuckDB default"
	}
	load := "Appender (built without -tags duckdb_arrow)"
	if r.Arrow {
		load = "Arrow"
	}
	fmt.Fprintf(cmd.OutOrStdout(), "records: %d (%.1f MB canonical CSV) as of %s; loading via %s; memory_limit %s, threads %d\n",
		r.Records, float64(r.FileBytes)/1e6, cfg.AsOfDate().Format("2006-01-02"), load, limit, cfg.DuckDB.Threads)
	printBenchTable(cmd.OutOrStdout(), r.Rows)
	fmt.Fprintf(cmd.OutOrStdout(), "process peak RSS over the whole run: %.0f MB\n", float64(r.PeakRSS)/1e6)
	return nil
}

// printBenchTable writes the benchmark rows as one aligned table.
func printBenchTable(w io.Writer, rows []orchestrate.BenchRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "path\twall\tCPU\tCPU ratio\tagainst\tpeak RSS\t")
	for _, r := range rows {
		ratio, against := "", ""
		if r.Ratio > 0 {
			ratio, against = fmt.Sprintf("%.2f", r.Ratio), r.Against
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.0f MB\t\n", r.Name, r.Wall.Round(time.Millisecond), r.CPU.Round(time.Millisecond),
			ratio, against, float64(r.PeakRSS)/1e6)
	}
	tw.Flush()
}
