package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/pipeline/synthetic"
	"github.com/xinfang/xinfang/internal/spec"
)

type generateOptions struct {
	Records int
	Seed    int64
	Years   int
	Out     string
}

func newGenerateCommand(g *globalOptions) *cobra.Command {
	var opts generateOptions
	c := &cobra.Command{
		Use:   "generate",
		Short: "Write deterministic synthetic petitions.csv and units.csv (canonical fields)",
		Long: `generate writes OUT/petitions.csv (canonical SPEC §2 fields) and OUT/units.csv
from the built-in synthetic generator. The same --records, --seed, --years and
as-of date always give byte-identical files. The data ends on the as-of date
(--as-of or the config's as_of; default today in the configured time zone).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenerate(cmd, g, opts)
		},
	}
	c.Flags().IntVar(&opts.Records, "records", 300000, "number of petition records (default: the config's synthetic source, else 300000)")
	c.Flags().Int64Var(&opts.Seed, "seed", 20061, "random seed (default: the config's synthetic source, else 20061)")
	c.Flags().IntVar(&opts.Years, "years", 5, "years of data ending on the as-of date (default: the config's synthetic source, else 5)")
	c.Flags().StringVar(&opts.Out, "out", "", "output directory (created if missing)")
	_ = c.MarkFlagRequired("out")
	return c
}

func runGenerate(cmd *cobra.Command, g *globalOptions, opts generateOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	// Flags not given fall back to the config's first synthetic source.
	for _, src := range cfg.Sources {
		if !spec.IsGenerated(src.Kind) {
			continue
		}
		fl := cmd.Flags()
		if !fl.Changed("records") && src.Synthetic.Records > 0 {
			opts.Records = src.Synthetic.Records
		}
		if !fl.Changed("seed") && src.Synthetic.Seed != 0 {
			opts.Seed = src.Synthetic.Seed
		}
		if !fl.Changed("years") && src.Synthetic.Years > 0 {
			opts.Years = src.Synthetic.Years
		}
		break
	}
	if opts.Records < 0 {
		return fmt.Errorf("--records must be >= 0, got %d", opts.Records)
	}
	if opts.Years < 1 || opts.Years > 50 {
		return fmt.Errorf("--years must be 1..50, got %d", opts.Years)
	}
	p := synthetic.Params{Records: opts.Records, Seed: opts.Seed, Years: opts.Years, AsOf: cfg.AsOfDate(), Loc: cfg.Location()}
	start := time.Now()
	pp, up, st, err := synthetic.GenerateFiles(p, opts.Out)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "wrote %s: %d records, received %s … %s\n", pp, st.Records,
		st.First.Format("2006-01-02 15:04:05"), st.Last.Format("2006-01-02 15:04:05"))
	fmt.Fprintf(out, "wrote %s: %d units\n", up, st.Units)
	fmt.Fprintf(out, "seed %d, %d years to %s, took %s\n", opts.Seed, opts.Years, p.AsOf.Format("2006-01-02"), elapsed.Round(time.Millisecond))
	return nil
}
