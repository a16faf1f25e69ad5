package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/jobs"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

func newRunCommand(g *globalOptions) *cobra.Command {
	var opts orchestrate.Options
	c := &cobra.Command{
		Use:   "run",
		Short: "Ingest every source, compute the marts and render the report",
		Long: `Runs the main job: ingest → compute → report. With no --config it generates
synthetic data, so a fresh checkout shows a complete report:

  xinfang run          # then open var/reports/index.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, g, opts)
		},
	}
	c.Flags().StringSliceVar(&opts.Sources, "source", nil, "only these sources (repeatable)")
	c.Flags().BoolVar(&opts.SkipIngest, "skip-ingest", false, "do not ingest; compute and report on what is stored")
	c.Flags().StringVar(&opts.Quarter, "quarter", "", "also render the quarterly review for this quarter (2026-Q3)")
	return c
}

func runRun(cmd *cobra.Command, g *globalOptions, opts orchestrate.Options) error {
	return g.withWriter(cmd, "xinfang run", func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		if opts.Quarter != "" {
			opts.Progress = cmd.ErrOrStderr()
		}
		// A manual run is recorded in job_runs like a scheduled one.
		res, err := jobs.RunPipeline(ctx, db, cfg, "run", jobs.TriggerManual, opts)
		if err != nil {
			return err
		}
		printRunSummary(cmd, res)
		return nil
	})
}

func printRunSummary(cmd *cobra.Command, res *orchestrate.Result) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "as of %s\n", res.AsOf.Format("2006-01-02"))
	if ir := res.Ingest; ir != nil {
		fmt.Fprintf(w, "ingest: %d batches, %d rows read, %d inserted, %d updated, %d unchanged, %d rejected, %d field warnings\n",
			len(ir.Batches), ir.RowsRead, ir.Inserted, ir.Updated, ir.Unchanged, ir.Rejected, ir.Warnings)
	}
	if cr := res.Compute; cr != nil {
		fmt.Fprintf(w, "compute: %d mart tables, %d rows, in %s\n", len(cr.Tables), res.RowsOut(), cr.Duration.Round(time.Millisecond))
	}
	if rv := res.Review; rv != nil {
		fmt.Fprintf(w, "review %s: %d pages in %s\n", rv.Quarter, rv.Pages, rv.Duration.Round(time.Millisecond))
	}
	if rr := res.Report; rr != nil {
		fmt.Fprintf(w, "report: %d pages in %s\n", rr.Pages, rr.Duration.Round(time.Millisecond))
		fmt.Fprintf(w, "open %s\n", abs(rr.Index))
	}
	for _, a := range res.Audiences {
		fmt.Fprintln(w, a)
	}
	fmt.Fprintf(w, "done in %s\n", res.Duration.Round(time.Millisecond))
}
