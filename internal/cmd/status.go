package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/jobs"
	"github.com/xinfang/xinfang/internal/store"
)

type statusOptions struct {
	JSON bool
}

func newStatusCommand(g *globalOptions) *cobra.Command {
	var opts statusOptions
	c := &cobra.Command{
		Use:   "status",
		Short: "Show each job's last run, the next run times and data freshness per source",
		Long: `Shows the last run of each job (status, trigger, duration, rows, error), the next
run times computed from the jobs: cron specs, and per source the last load, the
number of records, the latest received_at and the last ingest batch.

While the scheduler (or a run) holds the database open for writing, DuckDB lets no
other process open it, so status then reads <database>.status.json, the snapshot the
scheduler rewrites after every run, and says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd, g, opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	return c
}

func runStatus(cmd *cobra.Command, g *globalOptions, opts statusOptions) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	st, note, err := loadStatus(cmd, cfg)
	if err != nil {
		return err
	}
	st.NextRuns(cfg, time.Now())
	if opts.JSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	printStatus(cmd.OutOrStdout(), cfg, st, note)
	return nil
}

// loadStatus reads the status from the database, or from the status file when the
// database is held by a writer.
func loadStatus(cmd *cobra.Command, cfg *config.Config) (*jobs.Status, string, error) {
	ctx := cmd.Context()
	db, openErr := openReader(ctx, cfg)
	if openErr == nil {
		defer db.Close()
		st, err := jobs.BuildStatus(ctx, db, cfg, time.Now())
		return st, "", err
	}
	holder := store.ReadLockHolder(cfg.Database)
	if _, err := os.Stat(cfg.Database); err != nil || (holder == nil && !strings.Contains(openErr.Error(), "in use by another process")) {
		return nil, "", openErr // not a writer holding the file: the snapshot would mislead
	}
	st, err := jobs.ReadStatusFile(cfg.Database)
	if err != nil {
		return nil, "", fmt.Errorf("%w; and no status snapshot to show instead: %w", openErr, err)
	}
	who := "another process"
	if holder != nil {
		who = fmt.Sprintf("pid %d on %s (%s)", holder.PID, holder.Host, holder.Purpose)
	}
	note := fmt.Sprintf("The database is open for writing by %s; showing the snapshot in %s written %s.",
		who, jobs.StatusFile(cfg.Database), st.GeneratedAt.In(cfg.Location()).Format("2006-01-02 15:04:05 -07:00"))
	return st, note, nil
}

func printStatus(w io.Writer, cfg *config.Config, st *jobs.Status, note string) {
	loc := cfg.Location()
	ts := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04:05 -07:00")
	}
	fmt.Fprintf(w, "Database: %s (time zone %s)\n", st.Database, cfg.TimeZone)
	if note != "" {
		fmt.Fprintln(w, note)
	}
	if sc := st.Scheduler; sc != nil && sc.State != "stopped" {
		fmt.Fprintf(w, "Scheduler: %s, pid %d on %s since %s", sc.State, sc.PID, sc.Host, ts(&sc.Since))
		if sc.Serving != "" {
			fmt.Fprintf(w, ", serving %s", sc.Serving)
		}
		fmt.Fprintln(w)
		if r := sc.Running; r != nil {
			fmt.Fprintf(w, "Running now: %s (run %d, %s, started %s)\n", r.Job, r.RunID, r.Trigger, ts(&r.Started))
		}
	} else {
		fmt.Fprintln(w, "Scheduler: not running")
	}

	fmt.Fprintln(w, "\nJobs")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tLAST RUN\tTRIGGER\tSTATUS\tTOOK\tROWS IN\tROWS OUT\tLAST SUCCESS\tNEXT RUN")
	var errs []string
	for _, j := range st.Jobs {
		spec := j.Schedule
		if spec == "" {
			spec = "off"
		}
		last, trig, status, took, in, out := "never", "-", "-", "-", "-", "-"
		if r := j.Last; r != nil {
			last, trig, status = ts(&r.Started), r.Trigger, r.Status
			if r.Finished != nil && r.Status != jobs.StatusSkipped {
				took = r.Duration().Round(time.Millisecond).String()
				in, out = fmt.Sprint(r.RowsIn), fmt.Sprint(r.RowsOut)
			}
			if r.Error != "" {
				errs = append(errs, fmt.Sprintf("%s run %d: %s", j.Job, r.RunID, r.Error))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Job, spec, last, trig, status, took, in, out, ts(j.LastOK), ts(j.Next))
	}
	tw.Flush()
	for _, u := range st.Unrecorded {
		errs = append(errs, fmt.Sprintf("%s run %d ended %s at %s, but the database could not record it (%s); the outcome is kept in %s and the next writer records it",
			u.Job, u.RunID, u.Status, ts(&u.Finished), u.RecordError, jobs.StatusFile(cfg.Database)))
	}
	for _, e := range errs {
		fmt.Fprintf(w, "  error: %s\n", firstLine(e))
	}

	fmt.Fprintln(w, "\nData freshness")
	if len(st.Sources) == 0 {
		fmt.Fprintln(w, "  no sources")
		return
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tKIND\tRECORDS\tLATEST RECEIVED\tLAST LOAD\tLAST BATCH")
	for _, s := range st.Sources {
		batch := "-"
		if b := s.LastBatch; b != nil {
			batch = fmt.Sprintf("#%d %s %s, %d rows read", b.BatchID, b.Status, ts(&b.Started), b.RowsRead)
			if b.Rejected > 0 {
				batch += fmt.Sprintf(", %d rejected", b.Rejected)
			}
		}
		name := s.Source
		if !s.Configured {
			name += " (not in config)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", name, s.Kind, s.Records, ts(s.MaxReceivedAt), ts(s.UpdatedAt), batch)
	}
	tw.Flush()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
