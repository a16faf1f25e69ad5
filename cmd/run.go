package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/orchestrate"
	"github.com/xinfang/xinfang/store"
)

func init() {
	var opt orchestrate.Options
	c := &cobra.Command{
		Use:   "run",
		Short: "Ingest every source, compute the marts and render the report",
		Long: `Runs the main job: ingest → compute → report. With no --config it generates
synthetic data, so a fresh checkout shows a complete report:

  xinfang run          # then open var/reports/index.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withWriter(cmd, "xinfang run", func(ctx context.Context, cfg *config.Config, db *store.DB) error {
				res, err := runRecorded(ctx, db, cfg, "run", opt)
				if err != nil {
					return err
				}
				printRunSummary(cmd, res)
				return nil
			})
		},
	}
	c.Flags().StringSliceVar(&opt.Sources, "source", nil, "only these sources (repeatable)")
	c.Flags().BoolVar(&opt.SkipIngest, "skip-ingest", false, "do not ingest; compute and report on what is stored")
	c.Flags().StringVar(&opt.Quarter, "quarter", "", "also render the quarterly review for this quarter (2026-Q3)")
	rootCmd.AddCommand(c)
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
	if rr := res.Report; rr != nil {
		idx := rr.Index
		if abs, err := filepath.Abs(idx); err == nil {
			idx = abs
		}
		fmt.Fprintf(w, "report: %d pages in %s\n", rr.Pages, rr.Duration.Round(time.Millisecond))
		fmt.Fprintf(w, "open %s\n", idx)
	}
	fmt.Fprintf(w, "done in %s\n", res.Duration.Round(time.Millisecond))
}
