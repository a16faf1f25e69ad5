package cmd

import "github.com/spf13/cobra"

// benchCmd groups the benchmark commands; each prints our path against DuckDB's
// own native path measured in the same run, as a ratio.
var benchCmd = &cobra.Command{
	Use:   "bench",
	Short: "Benchmarks that print ratios against DuckDB's native path in the same run",
}

func init() { rootCmd.AddCommand(benchCmd) }
