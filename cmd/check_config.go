package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/config"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "check-config [FILE]",
		Short: "Validate a config file and print the effective configuration",
		Long: `Validates the config (FILE, or --config, or the built-in defaults) and prints
the effective configuration: defaults, then the file, then environment overrides.
Errors name the file, line and key; the exit code is 2 when the config is invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				flagConfig = args[0]
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			for _, w := range cfg.Warnings() {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %v\n", w)
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
	})
}
