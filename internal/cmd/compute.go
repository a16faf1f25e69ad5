package cmd

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
)

type computeOptions struct {
	Steps bool
}

func newComputeCommand(g *globalOptions) *cobra.Command {
	var opts computeOptions
	c := &cobra.Command{
		Use:   "compute",
		Short: "Rebuild every mart table from the stored records as of --as-of",
		Long: `Runs the metric SQL (queries/sql/*.sql, in file-name order) over the stored records
as of --as-of (default: today in the configured time zone) into a staging schema, swaps
it in with one short transaction, and prints each mart table's row count and the time
taken. Readers see the whole previous build until the swap; a failure or a crash leaves
the previous marts untouched. The build is recorded in mart.build_info.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompute(cmd, g, opts)
		},
	}
	c.Flags().BoolVar(&opts.Steps, "steps", false, "also print the time each SQL file took")
	return c
}

func runCompute(cmd *cobra.Command, g *globalOptions, opts computeOptions) error {
	return g.withWriter(cmd, "xinfang compute", func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		res, err := queries.Build(ctx, db.DB, cfg, cfg.AsOfDate())
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "as of %s: %d mart tables in %s\n", res.AsOf.Format("2006-01-02"), len(res.Tables), res.Duration.Round(time.Millisecond))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, t := range res.Tables {
			fmt.Fprintf(tw, "mart.%s\t%d\t\n", t.Name, t.Rows)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if !opts.Steps {
			return nil
		}
		fmt.Fprintln(w, "steps:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, s := range res.Steps {
			fmt.Fprintf(tw, "%s\t%s\t\n", s.File, s.Duration.Round(time.Millisecond))
		}
		return tw.Flush()
	})
}
