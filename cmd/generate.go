package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/pipeline/synthetic"
)

var (
	genRecords int
	genSeed    int64
	genYears   int
	genOut     string
)

var generateCmd = &cobra.Command{
	Use:   "generate",
	Short: "Write deterministic synthetic petitions.csv and units.csv (canonical fields)",
	Long: `generate writes OUT/petitions.csv (canonical SPEC §2 fields) and OUT/units.csv
from the built-in synthetic generator. The same --records, --seed, --years and
as-of date always give byte-identical files. The data ends on the as-of date
(--as-of or the config's as_of; default today in the configured time zone).`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		// Flags not given fall back to the config's first synthetic source.
		for _, src := range cfg.Sources {
			if src.Kind != "synthetic" {
				continue
			}
			fl := cmd.Flags()
			if !fl.Changed("records") && src.Synthetic.Records > 0 {
				genRecords = src.Synthetic.Records
			}
			if !fl.Changed("seed") && src.Synthetic.Seed != 0 {
				genSeed = src.Synthetic.Seed
			}
			if !fl.Changed("years") && src.Synthetic.Years > 0 {
				genYears = src.Synthetic.Years
			}
			break
		}
		if genRecords < 0 {
			return fmt.Errorf("--records must be >= 0, got %d", genRecords)
		}
		if genYears < 1 || genYears > 50 {
			return fmt.Errorf("--years must be 1..50, got %d", genYears)
		}
		p := synthetic.Params{Records: genRecords, Seed: genSeed, Years: genYears, AsOf: cfg.AsOfDate(), Loc: cfg.Location()}
		start := time.Now()
		pp, up, st, err := synthetic.GenerateFiles(p, genOut)
		if err != nil {
			return err
		}
		elapsed := time.Since(start)
		out := cmd.OutOrStdout()
		fmt.Fprintf(out, "wrote %s: %d records, received %s … %s\n", pp, st.Records,
			st.First.Format("2006-01-02 15:04:05"), st.Last.Format("2006-01-02 15:04:05"))
		fmt.Fprintf(out, "wrote %s: %d units\n", up, st.Units)
		fmt.Fprintf(out, "seed %d, %d years to %s, took %s\n", genSeed, genYears, p.AsOf.Format("2006-01-02"), elapsed.Round(time.Millisecond))
		return nil
	},
}

func init() {
	generateCmd.Flags().IntVar(&genRecords, "records", 300000, "number of petition records (default: the config's synthetic source, else 300000)")
	generateCmd.Flags().Int64Var(&genSeed, "seed", 20061, "random seed (default: the config's synthetic source, else 20061)")
	generateCmd.Flags().IntVar(&genYears, "years", 5, "years of data ending on the as-of date (default: the config's synthetic source, else 5)")
	generateCmd.Flags().StringVar(&genOut, "out", "", "output directory (created if missing)")
	_ = generateCmd.MarkFlagRequired("out")
	rootCmd.AddCommand(generateCmd)
}
