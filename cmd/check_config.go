package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/pipeline"
)

func init() {
	var sample int
	c := &cobra.Command{
		Use:   "check-config [FILE]",
		Short: "Validate a config file and print the effective configuration",
		Long: `Validates the config (FILE, or --config, or the built-in defaults) and prints
the effective configuration: defaults, then the file, then environment overrides.
It also finds the mapping errors an ingest would hit: value aliases that are not
canonical values, SQL expressions that do not prepare, and (from each source file's
header) mapped or referenced columns the file lacks. --sample N converts the first
N rows of each source's first file as ingest would and reports what would be
skipped, rejected or warned about. Errors name the file, line and key; the exit
code is 2 when the config is invalid. Warnings go to stderr.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				flagConfig = args[0]
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			errs, warns := pipeline.CheckSources(cmd.Context(), cfg, sample)
			for _, w := range warns {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			if len(errs) > 0 {
				return errs
			}
			out, err := cfg.Marshal()
			if err != nil {
				return fmt.Errorf("render config: %w", err)
			}
			src := cfg.File()
			if src == "" {
				src = "built-in defaults"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# effective configuration (from %s)\n", src)
			for _, e := range config.EnvOverridesInEffect() {
				fmt.Fprintf(cmd.OutOrStdout(), "# env override: %s\n", e)
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	c.Flags().IntVar(&sample, "sample", 0, "also convert the first N rows of each source's first file and report problems")
	rootCmd.AddCommand(c)
}
