package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/export"
)

type exportOptions struct {
	export.Options
	Rebuild bool
}

func newExportCommand(g *globalOptions) *cobra.Command {
	var opts exportOptions
	c := &cobra.Command{
		Use:   "export TABLE",
		Short: "Export a mart table to CSV, JSON, Parquet or XLSX",
		Long: `Exports one table of the mart schema (e.g. volume, trend, repeat, closure,
timeliness, veto, appraisal, targets) with its columns in table order and its rows
ordered by the key columns. CSV and JSON go to standard output unless --out is given;
Parquet and XLSX need --out. Filters are plain values, not SQL.

The marts are exported as of the date they were built for (mart.build_info; said on
stderr); --as-of another date is refused with how to rebuild them, or rebuilds them
first with --rebuild.

Text cells of CSV and XLSX that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return, and not a plain number) get a leading '
so that they show as text; --raw turns that off. JSON and Parquet are raw.

  xinfang export volume --unit 3201 --period-type month
  xinfang export appraisal --format xlsx --out appraisal.xlsx --year 2025`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd, g, opts, args[0])
		},
	}
	c.Flags().BoolVar(&opts.Rebuild, "rebuild", false, "rebuild the marts as of --as-of first when they were built for another date")
	c.Flags().BoolVar(&opts.Raw, "raw", false, "CSV/XLSX: keep text starting with = + - @ as stored (no ' prefix), for machine consumers")
	c.Flags().StringVar(&opts.Format, "format", "csv", "csv, json, parquet or xlsx")
	c.Flags().StringVar(&opts.Out, "out", "", "output file (required for parquet and xlsx)")
	c.Flags().StringVar(&opts.Unit, "unit", "", "only rows of this unit_id (ALL for the whole system)")
	c.Flags().StringVar(&opts.Rollup, "rollup", "", "only rows with rollup true or false")
	c.Flags().StringVar(&opts.PeriodType, "period-type", "", "only rows of this period type (month, quarter, year)")
	c.Flags().StringVar(&opts.Period, "period", "", "only rows of this period (2026-03, 2026-Q1, 2026)")
	c.Flags().IntVar(&opts.Year, "year", 0, "only rows of this year (tables with a year column)")
	return c
}

func runExport(cmd *cobra.Command, g *globalOptions, opts exportOptions, table string) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	db, bi, err := openMarts(ctx, cfg, g.wantAsOf(cfg), opts.Rebuild, "export")
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(cmd.ErrOrStderr(), "export: marts as of %s (built %s)\n", bi.AsOf.Format("2006-01-02"), bi.BuiltAt.In(cfg.Location()).Format("2006-01-02 15:04:05 -07:00"))
	return export.Table(ctx, db.DB, table, opts.Options, cmd.OutOrStdout())
}
