package cmd

import (
	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/export"
)

func init() {
	var opt export.Options
	var rebuild bool
	c := &cobra.Command{
		Use:   "export TABLE",
		Short: "Export a mart table to CSV, JSON, Parquet or XLSX",
		Long: `Exports one table of the mart schema (e.g. volume, trend, repeat, closure,
timeliness, veto, appraisal, targets) with its columns in table order and its rows
ordered by the key columns. CSV and JSON go to standard output unless --out is given;
Parquet and XLSX need --out. Filters are plain values, not SQL.

The marts are exported as of the date they were built for (mart.build_info);
--as-of another date is refused with how to rebuild them, or rebuilds them first
with --rebuild:

Text cells of CSV and XLSX that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return, and not a plain number) get a leading '
so that they show as text; --raw turns that off. JSON and Parquet are raw.

  xinfang export volume --unit 3201 --period-type month
  xinfang export appraisal --format xlsx --out appraisal.xlsx --year 2025`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := openMarts(ctx, cfg, wantAsOf(cfg), rebuild, "export")
			if err != nil {
				return err
			}
			defer db.Close()
			return export.Table(ctx, db.DB, args[0], opt, cmd.OutOrStdout())
		},
	}
	c.Flags().BoolVar(&rebuild, "rebuild", false, "rebuild the marts as of --as-of first when they were built for another date")
	c.Flags().BoolVar(&opt.Raw, "raw", false, "CSV/XLSX: keep text starting with = + - @ as stored (no ' prefix), for machine consumers")
	c.Flags().StringVar(&opt.Format, "format", "csv", "csv, json, parquet or xlsx")
	c.Flags().StringVar(&opt.Out, "out", "", "output file (required for parquet and xlsx)")
	c.Flags().StringVar(&opt.Unit, "unit", "", "only rows of this unit_id (ALL for the whole system)")
	c.Flags().StringVar(&opt.Rollup, "rollup", "", "only rows with rollup true or false")
	c.Flags().StringVar(&opt.PeriodType, "period-type", "", "only rows of this period type (month, quarter, year)")
	c.Flags().StringVar(&opt.Period, "period", "", "only rows of this period (2026-03, 2026-Q1, 2026)")
	c.Flags().IntVar(&opt.Year, "year", 0, "only rows of this year (tables with a year column)")
	rootCmd.AddCommand(c)
}
