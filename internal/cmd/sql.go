package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/adhoc"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

type sqlOptions struct {
	Format string
}

func newSQLCommand(g *globalOptions) *cobra.Command {
	var opts sqlOptions
	c := &cobra.Command{
		Use:   "sql 'SELECT …'",
		Short: "Run a read-only SQL query against the database and print the result",
		Long: `Runs one DuckDB SQL query against the configured database, opened read-only,
and prints the result as an aligned table (default) or as CSV (--format csv).
The query cannot write, nor read or write files. Useful tables: petitions,
rejected, ingest_batches, units, sources, data_quality, and the mart.* tables.`,
		Example: `  xinfang sql "SELECT severity, field, reason, count(*) FROM rejected GROUP BY ALL ORDER BY 4 DESC"
  xinfang sql --format csv "SELECT * FROM mart.volume" > volume.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSQL(cmd, g, opts, args[0])
		},
	}
	c.Flags().StringVar(&opts.Format, "format", "table", "output format: table or csv")
	return c
}

func runSQL(cmd *cobra.Command, g *globalOptions, opts sqlOptions, query string) error {
	return g.withReader(cmd, func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		_, err := adhoc.Run(ctx, db.DB, query, opts.Format, cmd.OutOrStdout())
		return err
	})
}
