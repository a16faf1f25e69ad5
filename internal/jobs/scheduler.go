package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// Options configures a Scheduler.
type Options struct {
	Config *config.Config
	// Jobs replaces job bodies by name (tests inject slow, failing or panicking
	// bodies); jobs not named here run DefaultJobs.
	Jobs map[string]Func
	// Now is the clock for catch-up and the quarter under review (default time.Now).
	Now func() time.Time
	// Purpose is written into the writer lock (default "xinfang schedule").
	Purpose string
	// Serving is the --serve address, shown in the status.
	Serving string
	Logger  *slog.Logger
}

// Scheduler runs the configured jobs. It holds the database's writer lock for its
// whole life, so `xinfang run` or a second scheduler on the same file is refused.
type Scheduler struct {
	cfg     *config.Config
	db      *store.DB
	cron    *cron.Cron
	bodies  map[string]Func
	specs   map[string]string // scheduled jobs → spec
	now     func() time.Time
	log     *slog.Logger
	since   time.Time
	serving string

	jobMu sync.Mutex // one job at a time, across all jobs

	jobCtx     context.Context // cancelled only when the grace period ends
	cancelJobs context.CancelFunc

	stateMu  sync.Mutex
	state    string // running | stopping | stopped
	running  *RunningJob
	inflight map[string]time.Time // cron-triggered jobs between entry and exit
	wg       sync.WaitGroup       // every job in flight (cron and catch-up)
	snapshot *Status

	closeOnce sync.Once
}

// New opens the database for writing (taking the writer lock: store.ErrLocked names
// the holder if another process has it), marks runs left "running" by a dead process
// as interrupted, and prepares the cron entries. Call Run, or Start and Shutdown.
func New(ctx context.Context, opt Options) (*Scheduler, error) {
	cfg := opt.Config
	if cfg == nil {
		return nil, errors.New("scheduler: no config")
	}
	if opt.Purpose == "" {
		opt.Purpose = "xinfang schedule"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	specs := map[string]string{}
	for _, js := range JobSpecs(cfg) {
		if strings.TrimSpace(js.Spec) != "" {
			specs[js.Job] = js.Spec
		}
	}
	// Parse before touching the database: a bad spec is a config error.
	scheds := map[string]cron.Schedule{}
	for job, spec := range specs {
		sch, err := config.ParseCron(spec)
		if err != nil {
			return nil, fmt.Errorf("jobs.%s: %w", job, err)
		}
		scheds[job] = sch
	}
	db, err := store.Open(ctx, cfg.Database, orchestrate.StoreOptions(cfg, opt.Purpose))
	if err != nil {
		return nil, err
	}
	if n, err := MarkInterrupted(ctx, db, opt.Now()); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		opt.Logger.Warn("marked job runs left running by a stopped process as interrupted", "runs", n)
	}
	s := &Scheduler{
		cfg: cfg, db: db, specs: specs, now: opt.Now, log: opt.Logger, since: time.Now(),
		serving: opt.Serving, state: "running", inflight: map[string]time.Time{},
		bodies: DefaultJobs(db, cfg),
	}
	for name, body := range opt.Jobs {
		s.bodies[name] = body
	}
	s.jobCtx, s.cancelJobs = context.WithCancel(context.WithoutCancel(ctx))

	l := cronLogger{log: opt.Logger, onSkip: s.recordCronSkip}
	// SkipIfStillRunning first, then Recover (robfig's default chain has no Recover).
	// The parser is config.ParseCron's (seconds field), the zone the configured one.
	s.cron = cron.New(cron.WithLocation(cfg.Location()), cron.WithParser(cronParserFunc(config.ParseCron)),
		cron.WithLogger(l), cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	names := make([]string, 0, len(scheds))
	for job := range scheds {
		names = append(names, job)
	}
	sort.Strings(names)
	for _, job := range names {
		if _, ok := s.bodies[job]; !ok {
			db.Close()
			return nil, fmt.Errorf("scheduler: no body for job %s", job)
		}
		s.cron.Schedule(scheds[job], cronJob{s: s, job: job})
	}
	if _, ok := specs[JobHourlyPull]; ok && !anyIncremental(cfg) {
		opt.Logger.Warn("jobs.hourly_pull is set but no source has incremental: true; the hourly pull will load nothing")
	}
	return s, nil
}

func anyIncremental(cfg *config.Config) bool {
	for _, src := range cfg.Sources {
		if src.Incremental {
			return true
		}
	}
	return false
}

// cronParserFunc adapts config.ParseCron (which recovers from parser panics) to cron.ScheduleParser.
type cronParserFunc func(string) (cron.Schedule, error)

func (f cronParserFunc) Parse(spec string) (cron.Schedule, error) { return f(spec) }

// DB is the scheduler's database (open for writing).
func (s *Scheduler) DB() *store.DB { return s.db }

// Start runs the catch-up (in the background, under the job mutex) and starts cron.
func (s *Scheduler) Start() {
	s.log.Info("scheduler started", "database", s.cfg.Database, "time_zone", s.cfg.TimeZone, "jobs", s.specs)
	if s.cfg.Jobs.CatchUp {
		if s.enter() {
			go func() {
				defer s.wg.Done()
				s.catchUp()
			}()
		}
	}
	s.cron.Start()
	s.refresh()
}

// Run starts the scheduler and blocks until ctx is done (SIGINT/SIGTERM), then shuts
// down with the configured grace period.
func (s *Scheduler) Run(ctx context.Context) error {
	s.Start()
	<-ctx.Done()
	s.log.Info("stop requested; no new jobs will start", "grace_period", s.cfg.Jobs.GracePeriod)
	return s.Shutdown(s.cfg.Jobs.GracePeriod)
}

// enter registers a job about to run; false once shutdown has begun.
func (s *Scheduler) enter() bool {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if s.state != "running" {
		return false
	}
	s.wg.Add(1)
	return true
}

// CancelJobs cancels the running job's context now (a second Ctrl-C).
func (s *Scheduler) CancelJobs() { s.cancelJobs() }

// Shutdown stops cron from starting jobs, lets a running job finish within grace,
// then cancels its context (its transaction rolls back) and waits for it to record
// its outcome. It writes the final status and closes the database.
func (s *Scheduler) Shutdown(grace time.Duration) error {
	s.stateMu.Lock()
	if s.state == "running" {
		s.state = "stopping"
	}
	running := s.running
	s.stateMu.Unlock()
	cronDone := s.cron.Stop()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		<-cronDone.Done()
		close(done)
	}()
	if running != nil {
		s.log.Info("waiting for the running job", "job", running.Job, "run_id", running.RunID, "grace_period", grace)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	var err error
	select {
	case <-done:
	case <-s.jobCtx.Done():
		err = s.waitAfterCancel(done)
	case <-t.C:
		s.log.Warn("grace period over; cancelling the running job", "grace_period", grace)
		s.cancelJobs()
		err = s.waitAfterCancel(done)
	}
	s.cancelJobs()
	s.stateMu.Lock()
	s.state = "stopped"
	s.stateMu.Unlock()
	if err != nil {
		// A job still holds a connection: closing the database under it is unsafe.
		return err
	}
	s.refresh()
	s.closeOnce.Do(func() {
		if cerr := s.db.Close(); cerr != nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	})
	s.log.Info("scheduler stopped")
	return err
}

// waitAfterCancel waits for a cancelled job to record its outcome. Queries stop
// promptly on cancellation (DuckDB interrupts them); the bound is for a body that
// ignores its context.
func (s *Scheduler) waitAfterCancel(done <-chan struct{}) error {
	limit := 30 * time.Second
	select {
	case <-done:
		return nil
	case <-time.After(limit):
		return fmt.Errorf("a job did not stop within %s of being cancelled; the database was left open", limit)
	}
}

// Close releases the database without waiting (for a scheduler that never started).
func (s *Scheduler) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.db.Close() })
	return err
}

// cronJob is what cron runs for a job.
type cronJob struct {
	s   *Scheduler
	job string
}

func (c cronJob) Run() {
	s := c.s
	s.stateMu.Lock()
	s.inflight[c.job] = time.Now()
	s.stateMu.Unlock()
	defer func() {
		s.stateMu.Lock()
		delete(s.inflight, c.job)
		s.stateMu.Unlock()
	}()
	s.fire(c.job, TriggerSchedule, Quarter{})
}

// RunNow runs a job at once, as the scheduler would (job mutex, retries, recording),
// and returns the recorded status. A job already running makes it "skipped".
func (s *Scheduler) RunNow(job, trigger string) string {
	return s.fire(job, trigger, Quarter{})
}

// fire runs job unless another job holds the job mutex, in which case the run is
// recorded as skipped. q is the quarter for a quarterly catch-up (zero = the quarter
// just ended).
func (s *Scheduler) fire(job, trigger string, q Quarter) string {
	if !s.enter() {
		return ""
	}
	defer s.wg.Done()
	if !s.jobMu.TryLock() {
		s.recordSkip(job, trigger)
		return StatusSkipped
	}
	defer s.jobMu.Unlock()
	return s.runLocked(job, trigger, q)
}

// runLocked runs job with the job mutex held.
func (s *Scheduler) runLocked(job, trigger string, q Quarter) string {
	body, ok := s.bodies[job]
	if !ok {
		s.log.Error("no such job", "job", job)
		return ""
	}
	started := s.now()
	run := &Run{Job: job, Trigger: trigger, Started: started}
	if job == JobQuarterly {
		if q == (Quarter{}) {
			q = LastEndedQuarter(started.In(s.cfg.Location()))
		}
		run.Quarter, run.AsOf = q.String(), q.End(s.cfg.Location())
	}
	attrs := []any{"job", job, "trigger", trigger}
	if run.Quarter != "" {
		attrs = append(attrs, "quarter", run.Quarter)
	}
	s.log.Info("job starting", attrs...)
	wrapped := func(ctx context.Context, r *Run) (Outcome, error) {
		// The run_id is known only once execute has inserted the row.
		s.setRunning(&RunningJob{Job: job, RunID: r.ID, Trigger: trigger, Started: started})
		return body(ctx, r)
	}
	policy := retryPolicy{Retries: s.cfg.Jobs.Retries, Backoff: s.cfg.Jobs.Backoff, Stop: s.stopping}
	status, _, _ := execute(s.jobCtx, s.db, run, wrapped, policy, s.now)
	s.setRunning(nil)
	s.refresh()
	return status
}

func (s *Scheduler) stopping() bool {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.state != "running"
}

func (s *Scheduler) setRunning(r *RunningJob) {
	s.stateMu.Lock()
	s.running = r
	s.stateMu.Unlock()
}

// recordSkip records a run not started because another job holds the job mutex.
func (s *Scheduler) recordSkip(job, trigger string) {
	s.stateMu.Lock()
	running := s.running
	s.stateMu.Unlock()
	reason := "another job is running"
	if running != nil {
		if running.Job == job {
			reason = fmt.Sprintf("previous %s run (run_id %d) still running", job, running.RunID)
		} else {
			reason = fmt.Sprintf("%s (run_id %d) is running; jobs never overlap", running.Job, running.RunID)
		}
	}
	now := s.now()
	detail := map[string]any{"reason": reason}
	if running != nil {
		detail["running_job"], detail["running_run_id"] = running.Job, running.RunID
	}
	id, err := RecordFinished(s.jobCtx, s.db, Entry{Job: job, Trigger: trigger, Status: StatusSkipped, Started: now, Finished: now,
		Out: Outcome{Detail: detail}})
	if err != nil {
		s.log.Error("could not record skipped run", "job", job, "err", err)
		return
	}
	s.log.Info("job skipped", "job", job, "run_id", id, "reason", reason)
	s.refresh()
}

// recordCronSkip is called when cron's SkipIfStillRunning drops a firing because the
// same job's previous firing is still in flight. cron's logger is not told which job,
// so it is the cron-started job that has been in flight longest: with the job mutex,
// that is the one holding it (the only other possibility is a job that is just
// recording its own skip, which takes microseconds).
func (s *Scheduler) recordCronSkip() {
	s.stateMu.Lock()
	job := ""
	var oldest time.Time
	for name, since := range s.inflight {
		if job == "" || since.Before(oldest) {
			job, oldest = name, since
		}
	}
	stopping := s.state != "running"
	s.stateMu.Unlock()
	if job == "" || stopping {
		return
	}
	s.recordSkip(job, TriggerSchedule)
}

// catchUp produces the last ended quarter's review if it was missed.
func (s *Scheduler) catchUp() {
	q, ok, why, err := catchUpQuarter(s.jobCtx, s.db, s.cfg, s.now())
	if err != nil {
		s.log.Error("catch-up check failed", "err", err)
		return
	}
	if !ok {
		s.log.Info("no quarterly review to catch up", "quarter", q.String(), "why", why)
		return
	}
	s.log.Info("quarterly review missed while the scheduler was down; producing it now", "quarter", q.String())
	// Blocking Lock, not TryLock: a scheduled job that started first is waited for.
	s.jobMu.Lock()
	defer s.jobMu.Unlock()
	s.runLocked(JobQuarterly, TriggerCatchUp, q)
}

// refresh rebuilds the status snapshot and writes the status file.
func (s *Scheduler) refresh() {
	st, err := BuildStatus(context.WithoutCancel(s.jobCtx), s.db, s.cfg, time.Now())
	if err != nil {
		s.log.Warn("could not build status", "err", err)
		return
	}
	st.Scheduler = s.info()
	s.stateMu.Lock()
	s.snapshot = st
	s.stateMu.Unlock()
	if err := writeStatus(StatusFile(s.db.Path), st); err != nil {
		s.log.Warn("could not write status file", "err", err)
	}
}

func (s *Scheduler) info() *SchedulerInfo {
	host, _ := os.Hostname()
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	var running *RunningJob
	if s.running != nil {
		r := *s.running
		running = &r
	}
	return &SchedulerInfo{PID: os.Getpid(), Host: host, Since: s.since, State: s.state, Serving: s.serving, Running: running}
}

// Status is the latest snapshot with live scheduler state and next run times.
func (s *Scheduler) Status() *Status {
	s.stateMu.Lock()
	snap := s.snapshot
	s.stateMu.Unlock()
	var st Status
	if snap != nil {
		st = *snap
		st.Jobs = append([]JobStatus(nil), snap.Jobs...)
	}
	st.Scheduler = s.info()
	st.NextRuns(s.cfg, time.Now())
	return &st
}

// cronLogger sends robfig/cron's log lines to slog and turns its "skip" (from
// SkipIfStillRunning) into a recorded skipped run.
type cronLogger struct {
	log    *slog.Logger
	onSkip func()
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.onSkip()
		return
	}
	l.log.Debug("cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
