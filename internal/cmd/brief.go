package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

type briefOptions struct {
	Quarter string
	Out     string
	Force   bool
}

func newBriefCommand(g *globalOptions) *cobra.Command {
	var opts briefOptions
	c := &cobra.Command{
		Use:   "brief --quarter 2026-Q3 [--force]",
		Short: "Write the quarterly 情况通报 (DOCX) from the quarterly review's marts",
		Long: `Writes <reports_dir>/archive/<quarter>/通报-<quarter>.docx (or under --out), the
quarterly briefing that the petition office edits in Word or WPS and issues. It is drawn
from the quarterly review's own marts (built as of the quarter's last day, never the live
ones): from the archive's Parquet snapshot when the quarter is archived, else the review
is archived first (as ` + "`xinfang report --quarter`" + ` would), which writes the brief beside it.
An existing brief is kept unless --force. The quarterly job writes it with the review.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBrief(cmd, g, opts)
		},
	}
	c.Flags().StringVar(&opts.Quarter, "quarter", "", "the quarter to brief (e.g. 2026-Q3)")
	c.Flags().StringVar(&opts.Out, "out", "", "reports folder (default: reports_dir from the config)")
	c.Flags().BoolVar(&opts.Force, "force", false, "replace an existing brief")
	return c
}

func runBrief(cmd *cobra.Command, g *globalOptions, opts briefOptions) error {
	if opts.Quarter == "" {
		return errors.New("brief: --quarter is required (e.g. --quarter 2026-Q3)")
	}
	if _, _, err := archive.ParseQuarter(opts.Quarter); err != nil {
		return err
	}
	return g.withReader(cmd, func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		path, err := orchestrate.Brief(ctx, db, cfg, orchestrate.BriefOptions{Quarter: opts.Quarter, OutDir: opts.Out, Force: opts.Force,
			ReviewOptions: orchestrate.ReviewOptions{AsOf: cfg.AsOfDate(), Progress: cmd.ErrOrStderr()}})
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "brief: %s\n", path)
		return nil
	})
}
