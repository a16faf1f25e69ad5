package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
)

// newBenchCommand groups the benchmark commands; each prints our path against
// DuckDB's own native path measured in the same run, as a ratio.
func newBenchCommand(g *globalOptions) *cobra.Command {
	c := &cobra.Command{
		Use:   "bench",
		Short: "Benchmarks that print ratios against DuckDB's native path in the same run",
	}
	c.AddCommand(newBenchAllCommand(g), newBenchIngestCommand(g), newBenchComputeCommand(g), newBenchReportCommand(g))
	return c
}

// benchDataOptions say which records a benchmark measures on.
type benchDataOptions struct {
	Records int
	CSV     string
	Keep    bool
}

func (o *benchDataOptions) bind(c *cobra.Command, keepHelp string) {
	c.Flags().IntVar(&o.Records, "records", 1_000_000, "synthetic records to generate")
	c.Flags().StringVar(&o.CSV, "csv", "", "use this canonical CSV (units.csv beside it) instead of generating records")
	c.Flags().BoolVar(&o.Keep, "keep", false, keepHelp)
}

// benchWorkDir makes the temporary folder a benchmark writes its data and databases
// into, with the pseudonym key inside it (never the configured one); with keep it is
// left for a look, else cleanup removes it.
func benchWorkDir(cmd *cobra.Command, cfg *config.Config, prefix string, keep bool) (string, func(), error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, fmt.Errorf("bench: temp dir: %w", err)
	}
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	if keep {
		fmt.Fprintf(cmd.OutOrStdout(), "files kept in %s\n", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}
