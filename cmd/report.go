package cmd

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/charts"
	"github.com/xinfang/xinfang/store"
)

func init() {
	var quarter, out string
	c := &cobra.Command{
		Use:   "report",
		Short: "Render the offline HTML report from the marts (or archive a quarterly review)",
		Long: `Renders the static report site from the marts in the database into reports_dir
(or --out), atomically: the new site replaces the old one only when complete.

  xinfang report                    # the live site, as of the marts' as-of date
  xinfang report --quarter 2026-Q3  # the quarterly review, as of 2026-09-30, into
                                    # <reports_dir>/archive/2026-Q3/ (never overwritten)

The quarterly review rebuilds the marts as of the quarter's last day, renders, and
rebuilds them again as of the as-of date, so it opens the database for writing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			opt := charts.Options{AsOf: cfg.AsOfDate(), OutDir: out, Quarter: quarter, QuarterOnly: quarter != ""}
			if quarter != "" {
				if _, _, err := charts.ParseQuarter(quarter); err != nil {
					return err
				}
				dir := out
				if dir == "" {
					dir = cfg.ReportsDir
				}
				if charts.QuarterArchivedIn(dir, quarter) {
					return fmt.Errorf("%w: %s already exists; an archived quarter is never overwritten", charts.ErrArchived, filepath.Join(dir, "archive", quarter))
				}
			}
			var db *store.DB
			if quarter != "" {
				db, err = openWriter(ctx, cfg, "xinfang report --quarter "+quarter)
			} else {
				db, err = openReader(ctx, cfg)
			}
			if err != nil {
				return err
			}
			defer db.Close()
			if quarter == "" && flagAsOf == "" {
				// Render as of the date the marts were built for, not today.
				opt.AsOf = charts.MartsAsOf(ctx, db.DB, opt.AsOf)
			}
			res, err := charts.Render(ctx, db.DB, cfg, opt)
			if err != nil {
				if errors.Is(err, charts.ErrArchived) {
					return fmt.Errorf("%w (an archived quarter is never overwritten)", err)
				}
				return err
			}
			idx := res.Index
			if abs, err := filepath.Abs(idx); err == nil {
				idx = abs
			}
			fmt.Fprintf(cmd.OutOrStdout(), "report: %d pages in %s\nopen %s\n", res.Pages, res.Duration.Round(time.Millisecond), idx)
			return nil
		},
	}
	c.Flags().StringVar(&quarter, "quarter", "", "archive the quarterly review for this quarter (e.g. 2026-Q3)")
	c.Flags().StringVar(&out, "out", "", "output folder (default: reports_dir from the config)")
	rootCmd.AddCommand(c)
}
