package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline"
)

func newCheckConfigCommand(g *globalOptions) *cobra.Command {
	var sample int
	c := &cobra.Command{
		Use:   "check-config [FILE]",
		Short: "Validate a config file and print the effective configuration",
		Long: `Validates the config (FILE, or --config, or the built-in defaults) and prints
the effective configuration: defaults, then the file, then environment overrides.
Errors name the file, line and key; the exit code is 2 when the config is invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheckConfig(cmd, g, args, sample)
		},
	}
	c.Flags().IntVar(&sample, "sample", 0, "also convert the first N rows of each source's first file and report problems")
	return c
}

func runCheckConfig(cmd *cobra.Command, g *globalOptions, args []string, sample int) error {
	if len(args) == 1 {
		g.ConfigFile = args[0]
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %v\n", w)
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
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "# effective configuration (from %s)\n", src)
	for _, e := range config.EnvOverridesInEffect() {
		fmt.Fprintf(w, "# env override: %s\n", e)
	}
	_, err = w.Write(out)
	return err
}
