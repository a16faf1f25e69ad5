package cmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/jobs"
)

type scheduleOptions struct {
	Serve string
}

func newScheduleCommand(g *globalOptions) *cobra.Command {
	var opts scheduleOptions
	c := &cobra.Command{
		Use:   "schedule",
		Short: "Run the nightly, quarterly and hourly jobs on their cron schedules",
		Long: `Runs the jobs from the config's jobs: section (cron specs with a seconds field, in
the configured time_zone) until SIGINT or SIGTERM:

  nightly      pull every source → compute the marts → render the report
  quarterly    the quarterly review of the quarter just ended, as of its last day
  hourly_pull  incremental pull of sources with incremental: true (off unless set)

Jobs never overlap; a run that would overlap is recorded as skipped. Every run is
recorded in the job_runs table. On start, a quarterly review missed while the
scheduler was down is produced (trigger catch-up). The scheduler holds the
database's writer lock for its whole life, so ` + "`xinfang run`" + ` is refused while it
runs; ` + "`xinfang status`" + ` reads the snapshot it keeps in <database>.status.json.

On SIGINT/SIGTERM no new job starts; a running job gets jobs.grace_period to
finish, then it is cancelled (its transaction rolls back) and recorded. A second
signal cancels it at once.

--serve 127.0.0.1:8080 also serves the report folder read-only, /healthz and
/metrics. A non-loopback address (":8080") needs auth.users_file: readers sign in,
and each sees only the audiences listed for them (xinfang user add). serve.tls_cert
and serve.tls_key switch to HTTPS; /metrics answers loopback clients only unless
serve.metrics is public.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSchedule(cmd, g, opts)
		},
	}
	c.Flags().StringVar(&opts.Serve, "serve", "", "also serve the report folder, /healthz and /metrics on this address (e.g. 127.0.0.1:8080; a non-loopback address needs auth.users_file)")
	return c
}

func runSchedule(cmd *cobra.Command, g *globalOptions, opts scheduleOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var ln net.Listener
	if opts.Serve != "" {
		if err := jobs.CheckServeAddr(cfg, opts.Serve); err != nil {
			return err
		}
		// Listen before taking the lock, so a busy port fails fast and cleanly.
		if ln, err = net.Listen("tcp", opts.Serve); err != nil {
			return fmt.Errorf("--serve %s: %w", opts.Serve, err)
		}
		defer ln.Close()
	}
	s, err := jobs.New(ctx, jobs.Options{Config: cfg, Serving: opts.Serve})
	if err != nil {
		return err
	}
	var srv *http.Server
	if ln != nil {
		h, accessLog, err := jobs.ServeHandler(cfg, s.Handler())
		if err != nil {
			return err
		}
		defer accessLog.Close()
		srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		tls := cfg.Serve.TLSCert != ""
		go func() {
			var err error
			if tls {
				err = srv.ServeTLS(ln, cfg.Serve.TLSCert, cfg.Serve.TLSKey)
			} else {
				err = srv.Serve(ln)
			}
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				slog.Error("report server stopped", "err", err)
			}
		}()
		slog.Info("serving the report folder, /healthz and /metrics", "addr", ln.Addr().String(), "dir", cfg.ReportsDir,
			"tls", tls, "sign_in", cfg.Auth.UsersFile != "", "metrics", cfg.Serve.Metrics)
	}
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
			return
		}
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sig)
		select {
		case <-sig:
			slog.Warn("second signal: cancelling the running job now")
			s.CancelJobs()
		case <-stopped:
		}
	}()
	runErr := s.Run(ctx)
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = srv.Shutdown(sctx)
		cancel()
	}
	return runErr
}
