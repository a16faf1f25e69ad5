package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/xinfang/xinfang/internal/alerts"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// Status is what `xinfang status`, /healthz and /metrics show. The scheduler also
// writes it to <db>.status.json after every run, because while it holds the database
// open for writing no other process can open the DuckDB file, even read-only.
type Status struct {
	GeneratedAt time.Time      `json:"generated_at"`
	Database    string         `json:"database"`
	TimeZone    string         `json:"time_zone"`
	Scheduler   *SchedulerInfo `json:"scheduler,omitempty"`
	Jobs        []JobStatus    `json:"jobs"`
	Sources     []SourceStatus `json:"sources"`

	Alerts *alerts.Metrics `json:"alerts,omitempty"` // SPEC §10: open alerts, delivery failures
	// Unrecorded are outcomes the database could not take (see UnrecordedRun).
	Unrecorded []UnrecordedRun `json:"unrecorded,omitempty"`
}

// SchedulerInfo describes the scheduler process that wrote the status.
type SchedulerInfo struct {
	PID     int         `json:"pid"`
	Host    string      `json:"host"`
	Since   time.Time   `json:"since"`
	State   string      `json:"state"` // running | stopping | stopped
	Serving string      `json:"serving,omitempty"`
	Running *RunningJob `json:"running,omitempty"`
}

// RunningJob is the job in flight.
type RunningJob struct {
	Job     string    `json:"job"`
	RunID   int64     `json:"run_id"`
	Trigger string    `json:"trigger"`
	Started time.Time `json:"started_at"`
}

// JobStatus summarises one job's history.
type JobStatus struct {
	Job      string           `json:"job"`
	Schedule string           `json:"schedule,omitempty"` // cron spec; "" = not scheduled
	Next     *time.Time       `json:"next_run,omitempty"`
	Last     *RunRow          `json:"last_run,omitempty"`      // latest run of any status
	LastDone *RunRow          `json:"last_finished,omitempty"` // latest run that did work (not skipped, not running)
	LastOK   *time.Time       `json:"last_success,omitempty"`  // finished_at of the latest ok run
	Runs     map[string]int64 `json:"runs"`                    // count per status
}

// Failures counts the runs that ended badly: failed, panic or interrupted by a crash.
// Runs cancelled at shutdown are not failures.
func (j JobStatus) Failures() int64 {
	return j.Runs[StatusFailed] + j.Runs[StatusPanic] + j.Runs[StatusInterrupted]
}

// RunRow is one job_runs row.
type RunRow struct {
	RunID    int64      `json:"run_id"`
	Job      string     `json:"job"`
	Trigger  string     `json:"trigger"`
	Started  time.Time  `json:"started_at"`
	Finished *time.Time `json:"finished_at,omitempty"`
	Status   string     `json:"status"`
	RowsIn   int64      `json:"rows_in"`
	RowsOut  int64      `json:"rows_out"`
	Error    string     `json:"error,omitempty"`
	Detail   string     `json:"detail,omitempty"`
}

// Duration is finished − started (0 while running).
func (r *RunRow) Duration() time.Duration {
	if r == nil || r.Finished == nil {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// SourceStatus is the data freshness of one source.
type SourceStatus struct {
	Source        string     `json:"source"`
	Kind          string     `json:"kind"`
	Configured    bool       `json:"configured"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"` // sources.updated_at: last successful load
	Records       int64      `json:"records"`
	MaxReceivedAt *time.Time `json:"max_received_at,omitempty"`
	LastBatch     *BatchRow  `json:"last_batch,omitempty"`
}

// BatchRow is the latest ingest batch of a source.
type BatchRow struct {
	BatchID  int64      `json:"batch_id"`
	File     string     `json:"file,omitempty"`
	Started  time.Time  `json:"started_at"`
	Finished *time.Time `json:"finished_at,omitempty"`
	Status   string     `json:"status"`
	RowsRead int64      `json:"rows_read"`
	Rejected int64      `json:"rejected"`
	Error    string     `json:"error,omitempty"`
}

// JobSpecs lists the scheduled jobs with their cron specs ("" = off).
func JobSpecs(cfg *config.Config) []struct{ Job, Spec string } {
	return []struct{ Job, Spec string }{
		{JobNightly, cfg.Jobs.Nightly},
		{JobQuarterly, cfg.Jobs.Quarterly},
		{JobHourlyPull, cfg.Jobs.HourlyPull},
	}
}

// NextRuns fills each job's next run time from its spec, as of now in the configured zone.
func (s *Status) NextRuns(cfg *config.Config, now time.Time) {
	loc := cfg.Location()
	for i := range s.Jobs {
		s.Jobs[i].Next = nil
		if s.Jobs[i].Schedule == "" {
			continue
		}
		if sched, err := config.ParseCron(s.Jobs[i].Schedule); err == nil {
			n := sched.Next(now.In(loc))
			if !n.IsZero() {
				s.Jobs[i].Next = &n
			}
		}
	}
}

// BuildStatus reads job history and source freshness from the database.
func BuildStatus(ctx context.Context, db *store.DB, cfg *config.Config, now time.Time) (*Status, error) {
	loc := dbLocation(db)
	st := &Status{GeneratedAt: now.In(loc), Database: db.Path, TimeZone: db.TimeZone}
	byJob := map[string]*JobStatus{}
	var order []string
	for _, js := range JobSpecs(cfg) {
		byJob[js.Job] = &JobStatus{Job: js.Job, Schedule: js.Spec, Runs: map[string]int64{}}
		order = append(order, js.Job)
	}
	get := func(job string) *JobStatus {
		if j, ok := byJob[job]; ok {
			return j
		}
		j := &JobStatus{Job: job, Runs: map[string]int64{}}
		byJob[job] = j
		order = append(order, job)
		return j
	}

	rows, err := db.QueryContext(ctx, `SELECT job, status, count(*) FROM job_runs GROUP BY ALL ORDER BY job, status`)
	if err != nil {
		return nil, fmt.Errorf("status: count job runs: %w", err)
	}
	for rows.Next() {
		var job, status string
		var n int64
		if err := rows.Scan(&job, &status, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("status: count job runs: %w", err)
		}
		get(job).Runs[status] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("status: count job runs: %w", err)
	}

	// Latest run, latest finished non-skipped run, latest ok run per job.
	const cols = `run_id, job, trigger, started_at, finished_at, status, coalesce(rows_in, 0), coalesce(rows_out, 0), coalesce(error, ''), coalesce(detail, '')`
	for _, q := range []struct {
		where string
		set   func(j *JobStatus, r *RunRow)
	}{
		{"true", func(j *JobStatus, r *RunRow) { j.Last = r }},
		{"status NOT IN ('skipped', 'running')", func(j *JobStatus, r *RunRow) { j.LastDone = r }},
		{"status = 'ok'", func(j *JobStatus, r *RunRow) { j.LastOK = r.Finished }},
	} {
		rows, err := db.QueryContext(ctx, `SELECT `+cols+` FROM job_runs WHERE `+q.where+`
			QUALIFY row_number() OVER (PARTITION BY job ORDER BY started_at DESC, run_id DESC) = 1`)
		if err != nil {
			return nil, fmt.Errorf("status: latest job runs: %w", err)
		}
		for rows.Next() {
			r, err := scanRun(rows, loc)
			if err != nil {
				rows.Close()
				return nil, err
			}
			q.set(get(r.Job), r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("status: latest job runs: %w", err)
		}
	}
	for _, job := range order {
		st.Jobs = append(st.Jobs, *byJob[job])
	}
	st.NextRuns(cfg, now)

	sources, err := sourceFreshness(ctx, db, cfg, loc)
	if err != nil {
		return nil, err
	}
	st.Sources = sources
	if st.Alerts, err = alerts.ReadMetrics(ctx, db.DB); err != nil {
		return nil, err
	}
	us, err := unrecordedStill(ctx, db)
	if err != nil {
		return nil, err
	}
	overlayUnrecorded(st, us)
	return st, nil
}

func scanRun(rows *sql.Rows, loc *time.Location) (*RunRow, error) {
	var r RunRow
	var started time.Time
	var finished sql.NullTime
	if err := rows.Scan(&r.RunID, &r.Job, &r.Trigger, &started, &finished, &r.Status, &r.RowsIn, &r.RowsOut, &r.Error, &r.Detail); err != nil {
		return nil, fmt.Errorf("status: read job run: %w", err)
	}
	r.Started = inZone(started, loc)
	if finished.Valid {
		f := inZone(finished.Time, loc)
		r.Finished = &f
	}
	return &r, nil
}

// sourceFreshness lists every configured or stored source with its last load,
// record count, latest received_at and latest ingest batch.
func sourceFreshness(ctx context.Context, db *store.DB, cfg *config.Config, loc *time.Location) ([]SourceStatus, error) {
	byName := map[string]*SourceStatus{}
	for _, s := range cfg.Sources {
		byName[s.Name] = &SourceStatus{Source: s.Name, Kind: s.Kind, Configured: true}
	}
	get := func(name string) *SourceStatus {
		if s, ok := byName[name]; ok {
			return s
		}
		s := &SourceStatus{Source: name}
		byName[name] = s
		return s
	}
	rows, err := db.QueryContext(ctx, `
		WITH p AS (SELECT source, count(*) AS n, max(received_at) AS max_received FROM petitions GROUP BY source),
		     b AS (SELECT * FROM ingest_batches QUALIFY row_number() OVER (PARTITION BY source ORDER BY started_at DESC, batch_id DESC) = 1),
		     names AS (SELECT source FROM sources UNION SELECT source FROM p UNION SELECT source FROM b)
		SELECT names.source, coalesce(s.kind, ''), s.updated_at, coalesce(p.n, 0), p.max_received,
		       b.batch_id, coalesce(b.file, ''), b.started_at, b.finished_at, coalesce(b.status, ''),
		       coalesce(b.rows_read, 0), coalesce(b.rejected, 0), coalesce(b.error, '')
		FROM names LEFT JOIN sources s USING (source) LEFT JOIN p USING (source) LEFT JOIN b USING (source)
		ORDER BY names.source`)
	if err != nil {
		return nil, fmt.Errorf("status: source freshness: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, kind, file, bstatus, berr string
		var updated, maxRecv, bStarted, bFinished sql.NullTime
		var n, rowsRead, rejected int64
		var batchID sql.NullInt64
		if err := rows.Scan(&name, &kind, &updated, &n, &maxRecv, &batchID, &file, &bStarted, &bFinished, &bstatus, &rowsRead, &rejected, &berr); err != nil {
			return nil, fmt.Errorf("status: source freshness: %w", err)
		}
		s := get(name)
		if kind != "" {
			s.Kind = kind
		}
		s.Records = n
		s.UpdatedAt = instantPtr(updated, loc)
		s.MaxReceivedAt = naivePtr(maxRecv, loc)
		if batchID.Valid {
			b := &BatchRow{BatchID: batchID.Int64, File: file, Status: bstatus, RowsRead: rowsRead, Rejected: rejected, Error: berr}
			if bStarted.Valid {
				b.Started = inZone(bStarted.Time, loc)
			}
			b.Finished = instantPtr(bFinished, loc)
			s.LastBatch = b
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("status: source freshness: %w", err)
	}
	out := make([]SourceStatus, 0, len(byName))
	for _, s := range byName {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out, nil
}

// instantPtr reads a TIMESTAMPTZ column (an instant).
func instantPtr(t sql.NullTime, loc *time.Location) *time.Time {
	if !t.Valid {
		return nil
	}
	v := inZone(t.Time, loc)
	return &v
}

// naivePtr reads a naive TIMESTAMP of the records (wall time in the configured zone;
// the driver returns it as UTC carrying that wall clock).
func naivePtr(t sql.NullTime, loc *time.Location) *time.Time {
	if !t.Valid {
		return nil
	}
	v := time.Date(t.Time.Year(), t.Time.Month(), t.Time.Day(), t.Time.Hour(), t.Time.Minute(), t.Time.Second(), t.Time.Nanosecond(), loc)
	return &v
}

// StatusFile is the path of the status snapshot beside the database.
func StatusFile(dbPath string) string { return dbPath + ".status.json" }

// WriteStatusFile builds the status from db and writes it (atomically) beside the
// database, with sched describing the scheduler process (nil for a manual run).
func WriteStatusFile(ctx context.Context, db *store.DB, cfg *config.Config, sched *SchedulerInfo) error {
	if db.Path == "" || db.Path == ":memory:" {
		return nil
	}
	st, err := BuildStatus(context.WithoutCancel(ctx), db, cfg, time.Now())
	if err != nil {
		return err
	}
	st.Scheduler = sched
	return writeStatus(StatusFile(db.Path), st)
}

// writeStatus replaces path with st's JSON via a temporary file and rename, so a
// reader never sees a half-written file.
func writeStatus(path string, st *Status) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write status file: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write status file %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write status file %s: %w", tmp.Name(), err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write status file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write status file %s: %w", path, err)
	}
	return nil
}

// ReadStatusFile reads the snapshot the scheduler (or the last manual run) wrote.
func ReadStatusFile(dbPath string) (*Status, error) {
	b, err := os.ReadFile(StatusFile(dbPath))
	if err != nil {
		return nil, fmt.Errorf("read status file: %w", err)
	}
	var st Status
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("status file %s: %w", StatusFile(dbPath), err)
	}
	return &st, nil
}
