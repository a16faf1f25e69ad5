package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

type benchReportOptions struct {
	Runs int
}

func newBenchReportCommand(g *globalOptions) *cobra.Command {
	var opts benchReportOptions
	c := &cobra.Command{
		Use:   "report",
		Short: "Time rendering the full report site for the current database",
		Long: `Renders the full site (every page, every unit page, the workbook) from the marts
in the current database into a temporary folder, --runs times, and prints the time
of each run and the best. The published report is not touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBenchReport(cmd, g, opts)
		},
	}
	c.Flags().IntVar(&opts.Runs, "runs", 3, "number of timed renders")
	return c
}

func runBenchReport(cmd *cobra.Command, g *globalOptions, opts benchReportOptions) error {
	return g.withReader(cmd, func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		asOf := cfg.AsOfDate()
		if t, ok := orchestrate.MartsAsOf(ctx, db.DB); ok && g.AsOf == "" {
			asOf = t
		}
		tmp, err := os.MkdirTemp("", "xinfang-bench-report-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		w := cmd.OutOrStdout()
		var best time.Duration
		for i := 0; i < opts.Runs; i++ {
			res, err := report.Render(ctx, db.DB, cfg, report.Options{AsOf: asOf, OutDir: filepath.Join(tmp, "site")})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "run %d: %d pages in %s\n", i+1, res.Pages, res.Duration.Round(time.Millisecond))
			if best == 0 || res.Duration < best {
				best = res.Duration
			}
		}
		fmt.Fprintf(w, "report render (as of %s): best of %d: %s\n", asOf.Format("2006-01-02"), opts.Runs, best.Round(time.Millisecond))
		return nil
	})
}
