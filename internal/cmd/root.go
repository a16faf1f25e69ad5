// Package cmd holds the xinfang cobra commands: one file per command, each thin,
// delegating to config/, orchestrate/, pipeline/, queries/, export/ and jobs/.
//
// Every command is built by newXCommand(g) into a fresh tree (newRootCommand), its
// flags bound to a local options struct, and does its work in runX: no package
// variables, no init(), so tests build a new root for every run.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/jobs"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// globalOptions are the flags every command shares (persistent flags of the root).
type globalOptions struct {
	ConfigFile string
	AsOf       string
	CPUProfile string // write a Go CPU profile of the command (go tool pprof)
}

// newRootCommand builds the whole command tree.
func newRootCommand() *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "xinfang",
		Short: "Petition-work performance appraisal pipeline (信访工作绩效考核)",
		Long: `xinfang pulls petition records into DuckDB, computes the appraisal marts
defined in SPEC (volume, trend, repeat visits, timeliness, feedback, veto, appraisal,
targets) and renders an offline HTML report.

With no config file it runs on built-in synthetic data:  xinfang run`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.ConfigFile, "config", "", "config file (YAML); default: built-in defaults")
	root.PersistentFlags().StringVar(&g.AsOf, "as-of", "", "as-of date YYYY-MM-DD (default: today in the configured time zone)")
	root.PersistentFlags().StringVar(&g.CPUProfile, "cpuprofile", "", "write a Go CPU profile of the command to this file (read it with go tool pprof)")
	var stopProfile func()
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if g.CPUProfile == "" {
			return nil
		}
		f, err := os.Create(g.CPUProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRun = func(cmd *cobra.Command, args []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	root.AddCommand(
		newRunCommand(g),
		newIngestCommand(g),
		newComputeCommand(g),
		newReportCommand(g),
		newExportCommand(g),
		newStatusCommand(g),
		newScheduleCommand(g),
		newGenerateCommand(g),
		newCheckConfigCommand(g),
		newBenchCommand(g),
		newSQLCommand(g),
		newBriefCommand(g),
		newAlertsCommand(g),
		newUserCommand(g),
		newVersionCommand(),
	)
	return root
}

// Execute runs the command line args (without the program name) and returns the
// process exit code: 2 for an invalid config, 1 for any other error.
func Execute(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCommand()
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "xinfang:", err)
		var ce config.Errors
		var e *config.Error
		if errors.As(err, &ce) || errors.As(err, &e) {
			return 2
		}
		return 1
	}
	return 0
}

// loadConfig reads --config over the defaults and applies --as-of.
func (g *globalOptions) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(g.ConfigFile)
	if err != nil {
		return nil, err
	}
	if g.AsOf != "" {
		if _, err := time.Parse("2006-01-02", g.AsOf); err != nil {
			return nil, fmt.Errorf("--as-of: want YYYY-MM-DD, got %q", g.AsOf)
		}
		cfg.AsOf = g.AsOf
	}
	setupLogger(cfg)
	return cfg, nil
}

// wantAsOf is the as-of date --as-of asks for, zero when it is not given.
func (g *globalOptions) wantAsOf(cfg *config.Config) time.Time {
	if g.AsOf == "" {
		return time.Time{}
	}
	return cfg.AsOfDate()
}

func setupLogger(cfg *config.Config) {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if cfg.Log.Format == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	} else {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	slog.SetDefault(slog.New(h))
}

// openWriter opens the database for writing, taking the writer lock.
func openWriter(ctx context.Context, cfg *config.Config, purpose string) (*store.DB, error) {
	return store.Open(ctx, cfg.Database, orchestrate.StoreOptions(cfg, purpose))
}

// withWriter loads the config, opens the database for writing (taking the writer
// lock, named by purpose for a refused second writer) and runs fn.
// While it holds the file no other process can open it, so the status snapshot beside
// the database is written on opening (for a database that has none yet) and again
// when fn is done: `xinfang status` always has one to show.
func (g *globalOptions) withWriter(cmd *cobra.Command, purpose string, fn func(ctx context.Context, cfg *config.Config, db *store.DB) error) error {
	return g.withDB(cmd, func(ctx context.Context, cfg *config.Config) (*store.DB, error) {
		return openWriter(ctx, cfg, purpose)
	}, func(ctx context.Context, cfg *config.Config, db *store.DB) error {
		writeSnapshot(ctx, cfg, db)
		defer writeSnapshot(ctx, cfg, db)
		return fn(ctx, cfg, db)
	})
}

func writeSnapshot(ctx context.Context, cfg *config.Config, db *store.DB) {
	if err := jobs.WriteStatusFile(ctx, db, cfg, nil); err != nil {
		slog.Warn("could not write status file", "err", err)
	}
}

// withReader loads the config, opens the database read-only and runs fn.
func (g *globalOptions) withReader(cmd *cobra.Command, fn func(ctx context.Context, cfg *config.Config, db *store.DB) error) error {
	return g.withDB(cmd, openReader, fn)
}

func (g *globalOptions) withDB(cmd *cobra.Command, open func(context.Context, *config.Config) (*store.DB, error), fn func(ctx context.Context, cfg *config.Config, db *store.DB) error) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, cfg, db)
}

// openReader opens the database read-only (no lock; works beside a running writer
// only when DuckDB allows it).
func openReader(ctx context.Context, cfg *config.Config) (*store.DB, error) {
	if _, err := os.Stat(cfg.Database); err != nil {
		return nil, fmt.Errorf("database %s: %w (run `xinfang run` or `xinfang ingest` first)", cfg.Database, err)
	}
	o := orchestrate.StoreOptions(cfg, "reader")
	o.ReadOnly = true
	return store.Open(ctx, cfg.Database, o)
}

// isTerminal reports whether stderr is a terminal (progress bars only then).
func isTerminal() bool { return term.IsTerminal(int(os.Stderr.Fd())) }
