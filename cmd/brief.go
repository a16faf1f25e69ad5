package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/brief"
	"github.com/xinfang/xinfang/charts"
	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/queries"
	"github.com/xinfang/xinfang/store"
)

func init() {
	var quarter, out string
	var force bool
	c := &cobra.Command{
		Use:   "brief",
		Short: "Write the quarterly 情况通报 (DOCX) from the marts as of the quarter's end",
		Long: `Writes <reports_dir>/archive/<quarter>/通报-<quarter>.docx (or under --out), the
quarterly briefing that the petition office edits in Word or WPS and issues. An existing
brief is kept unless --force.

  xinfang brief --quarter 2026-Q3 [--force]`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if quarter == "" {
				return errors.New("brief: --quarter is required (e.g. --quarter 2026-Q3)")
			}
			if _, _, _, err := brief.ParseQuarter(quarter); err != nil {
				return err
			}
			return withWriter(cmd, "xinfang brief --quarter "+quarter, func(ctx context.Context, cfg *config.Config, db *store.DB) error {
				_, _, end, _ := brief.ParseQuarter(quarter)
				restore, err := buildQuarterMartsTemporarily(ctx, db, cfg, end)
				if err != nil {
					return err
				}
				res, err := brief.Write(ctx, db.DB, cfg, quarter, brief.Options{OutDir: out, Force: force})
				if rerr := restore(); rerr != nil {
					err = errors.Join(err, rerr)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "brief: %s (%d bytes)\n", res.Path, res.Bytes)
				return nil
			})
		},
	}
	c.Flags().StringVar(&quarter, "quarter", "", "the quarter to brief (e.g. 2026-Q3)")
	c.Flags().StringVar(&out, "out", "", "reports folder (default: reports_dir from the config)")
	c.Flags().BoolVar(&force, "force", false, "replace an existing brief")
	rootCmd.AddCommand(c)
}

// buildQuarterMartsTemporarily rebuilds the live marts as of the quarter's last day
// and returns the function that restores them, as `report --quarter` does today.
// TEMPORARY: once the arch branch builds the quarterly review into its own DuckDB
// file, `brief` opens that file read-only and this function goes away.
func buildQuarterMartsTemporarily(ctx context.Context, db *store.DB, cfg *config.Config, end time.Time) (restore func() error, err error) {
	asOf := cfg.AsOfDate()
	if end.After(time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)) {
		return nil, fmt.Errorf("brief: the quarter ends %s, after the as-of date %s", end.Format("2006-01-02"), asOf.Format("2006-01-02"))
	}
	was := charts.MartsAsOf(ctx, db.DB, asOf)
	if _, err := queries.Build(ctx, db.DB, cfg, end); err != nil {
		return nil, fmt.Errorf("brief: build the marts as of %s: %w", end.Format("2006-01-02"), err)
	}
	return func() error {
		if _, err := queries.Build(context.WithoutCancel(ctx), db.DB, cfg, was); err != nil {
			return fmt.Errorf("brief: restore the marts as of %s: %w", was.Format("2006-01-02"), err)
		}
		return nil
	}, nil
}
