package cmd

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
	"github.com/xinfang/xinfang/internal/store"
)

type ingestOptions struct {
	pipeline.IngestOptions
	NoProgress bool
}

func newIngestCommand(g *globalOptions) *cobra.Command {
	var opts ingestOptions
	c := &cobra.Command{
		Use:   "ingest",
		Short: "Load the configured sources into the database (no compute, no report)",
		Long: `Reads every configured source (or only --source NAME ...) through its mapping into
the petitions table: one batch per file or per pull, each batch one transaction.
Rejected records and field warnings go to the rejected table; a file whose content
was ingested before (same content hash and source settings) is skipped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIngest(cmd, g, opts)
		},
	}
	c.Flags().StringSliceVar(&opts.Sources, "source", nil, "only these sources (repeatable)")
	c.Flags().BoolVar(&opts.Incremental, "incremental", false, "only sources marked incremental")
	c.Flags().BoolVar(&opts.Force, "force", false, "re-read files even when their content was ingested before")
	c.Flags().BoolVar(&opts.NoProgress, "no-progress", false, "no progress bar")
	return c
}

func runIngest(cmd *cobra.Command, g *globalOptions, opts ingestOptions) error {
	return g.withWriter(cmd, "xinfang ingest", func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		opt := opts.IngestOptions
		opt.NoProgress = opts.NoProgress || !isTerminal()
		res, err := pipeline.Ingest(ctx, db, cfg, opt)
		if res != nil {
			printIngest(cmd, res)
		}
		return err
	})
}
func printIngest(cmd *cobra.Command, res *pipeline.IngestResult) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "batch\tsource\tread\tskipped\tinserted\tupdated\tunchanged\trejected\twarnings\tfile\t")
	for _, b := range res.Batches {
		file := b.File
		if b.Skipped {
			file += " (unchanged, skipped)"
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", b.BatchID, b.Source, b.RowsRead, b.SkippedRows, b.Inserted, b.Updated, b.Unchanged, b.Rejected, b.Warnings, file)
	}
	fmt.Fprintf(w, "total\t\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\t\n", res.RowsRead, res.Skipped, res.Inserted, res.Updated, res.Unchanged, res.Rejected, res.Warnings)
	w.Flush()
	for _, q := range res.Quality {
		if q.Failing {
			fmt.Fprintf(cmd.OutOrStdout(), "warning: %s: %d of %d %s\n", q.Source, q.Rows, q.Total, q.Message)
		}
	}
	if res.Units >= 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "units: %d\n", res.Units)
	}
}
