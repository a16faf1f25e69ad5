package cmd

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

type reportOptions struct {
	Quarter string
	Out     string
	Rebuild bool
}

func newReportCommand(g *globalOptions) *cobra.Command {
	var opts reportOptions
	c := &cobra.Command{
		Use:   "report",
		Short: "Render the offline HTML report from the marts (or archive a quarterly review)",
		Long: `Renders the static report site from the marts in the database into reports_dir
(or --out), atomically: the new site replaces the old one only when complete.

  xinfang report                    # the live site, as of the marts' as-of date
  xinfang report --as-of 2026-06-30 # refused unless the marts were built as of that
                                    # date; --rebuild rebuilds them first
  xinfang report --quarter 2026-Q3  # the quarterly review, as of 2026-09-30, into
                                    # <reports_dir>/archive/2026-Q3/ (never overwritten)

The quarterly review builds its own marts as of the quarter's last day in a
separate database file (the live marts are never touched), renders the review,
keeps a Parquet snapshot of its marts in archive/<quarter>/marts/, then
re-renders the live site so that its index lists the new archive (only its
index.html when the live site was rendered from exactly the current marts, data
and config). The database is only read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd, g, opts)
		},
	}
	c.Flags().StringVar(&opts.Quarter, "quarter", "", "archive the quarterly review for this quarter (e.g. 2026-Q3)")
	c.Flags().BoolVar(&opts.Rebuild, "rebuild", false, "rebuild the marts as of --as-of first when they were built for another date")
	c.Flags().StringVar(&opts.Out, "out", "", "output folder (default: reports_dir from the config)")
	return c
}

func runReport(cmd *cobra.Command, g *globalOptions, opts reportOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if opts.Quarter != "" {
		if _, _, err := archive.ParseQuarter(opts.Quarter); err != nil {
			return err
		}
		// An archived quarter is refused in orchestrate.Report, after it has
		// re-rendered the live site (a killed run may have archived without it).
	}
	ro := orchestrate.ReportOptions{OutDir: opts.Out, Quarter: opts.Quarter, Progress: cmd.ErrOrStderr(), AsOf: g.wantAsOf(cfg)}
	var db *store.DB
	if opts.Quarter != "" {
		db, err = openReader(ctx, cfg)
	} else {
		db, _, err = openMarts(ctx, cfg, ro.AsOf, opts.Rebuild, "report")
	}
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := orchestrate.Report(ctx, db, cfg, ro)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if rv := res.Review; rv != nil {
		fmt.Fprintf(w, "review %s: %d pages in %s\nopen %s\n", rv.Quarter, rv.Pages, rv.Duration.Round(time.Millisecond), abs(rv.Index))
	}
	if res.SiteSkipped != "" {
		fmt.Fprintf(w, "live site not re-rendered: %s\n", res.SiteSkipped)
	}
	if s := res.Site; s != nil && s.IndexOnly {
		fmt.Fprintf(w, "report: live index refreshed to list the archive (its %d pages as of %s are current) in %s\nopen %s\n", s.Pages, res.AsOf.Format("2006-01-02"), s.Duration.Round(time.Millisecond), abs(s.Index))
	} else if s != nil {
		fmt.Fprintf(w, "report: %d pages as of %s in %s\nopen %s\n", s.Pages, res.AsOf.Format("2006-01-02"), s.Duration.Round(time.Millisecond), abs(s.Index))
	}
	for _, a := range res.Audiences {
		fmt.Fprintln(w, a)
	}
	return nil
}

// abs is p made absolute for printing (p itself when that fails).
func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
