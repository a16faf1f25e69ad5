package cmd

import "github.com/spf13/cobra"

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
