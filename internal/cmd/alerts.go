package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/alerts"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

type alertsOptions struct {
	JSON bool
}

func newAlertsCommand(g *globalOptions) *cobra.Command {
	var opts alertsOptions
	c := &cobra.Command{
		Use:   "alerts",
		Short: "List the current early-warning alerts (SPEC §10) and their delivery to each sink",
		Long: `Lists mart.alerts as of the last compute — the alerts of the last ISO week ending on
or before the as-of date, red first — with, per configured sink (alerts.sinks), whether
each has been delivered. Delivery itself happens in the nightly run (xinfang run).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAlerts(cmd, g, opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON instead of a table")
	return c
}

func runAlerts(cmd *cobra.Command, g *globalOptions, opts alertsOptions) error {
	return g.withReader(cmd, func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		list, err := alerts.Current(ctx, db.DB)
		if err != nil {
			return err
		}
		return alerts.WriteList(cmd.OutOrStdout(), list, opts.JSON)
	})
}
