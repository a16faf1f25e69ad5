package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser is the one parser for jobs.* specs: a leading seconds field
// ("0 0 2 * * *" = 02:00:00 daily) plus descriptors such as @hourly. The
// scheduler uses the same parser, so a spec that validates here is the spec it runs.
var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron parses a jobs.* cron spec (six fields, seconds first). The parse runs
// inside a recover because some malformed specs make robfig/cron panic instead of
// returning an error; such a spec comes back as an error here. A TZ=/CRON_TZ=
// prefix is refused: the schedule's zone is the configured time_zone.
func ParseCron(spec string) (sched cron.Schedule, err error) {
	s := strings.TrimSpace(spec)
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		return nil, fmt.Errorf("cron spec %q: no TZ= prefix, the zone is time_zone", spec)
	}
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("cron spec %q: malformed (%v)", spec, r)
		}
	}()
	sched, err = cronParser.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w (want 6 fields: second minute hour day-of-month month day-of-week)", spec, err)
	}
	return sched, nil
}

// validateJobs checks the scheduler specs; hourly_pull may be empty (off).
func (c *Config) validateJobs() Errors {
	var errs Errors
	if c.Jobs.MinInterval != 0 && c.Jobs.MinInterval < time.Second {
		errs = append(errs, c.errAt("jobs.min_interval", "must be at least 1s, got %s", c.Jobs.MinInterval))
	}
	for _, j := range []struct {
		key, spec string
		optional  bool
	}{
		{"jobs.nightly", c.Jobs.Nightly, false},
		{"jobs.quarterly", c.Jobs.Quarterly, false},
		{"jobs.hourly_pull", c.Jobs.HourlyPull, true},
	} {
		if strings.TrimSpace(j.spec) == "" {
			if !j.optional {
				errs = append(errs, c.errAt(j.key, "a cron spec is required (six fields, seconds first, e.g. \"0 0 2 * * *\")"))
			}
			continue
		}
		sched, err := ParseCron(j.spec)
		if err != nil {
			errs = append(errs, c.errAt(j.key, "%v", err))
			continue
		}
		if gap, ok := shortestGap(j.spec, sched); ok && gap < c.minJobInterval() {
			errs = append(errs, c.errAt(j.key, "cron spec %q fires every %s; the minimum interval between runs is %s (jobs.min_interval)", j.spec, gap, c.minJobInterval()))
		}
	}
	return errs
}

// MinJobInterval is the default shortest time between two runs of a job: a spec
// like "@every 0s" (which robfig/cron rounds up to every second) or "* * * * * *"
// would run the pipeline back to back. jobs.min_interval may lower it to 1s
// (tests, demos), never further.
const MinJobInterval = time.Minute

func (c *Config) minJobInterval() time.Duration {
	if c.Jobs.MinInterval >= time.Second {
		return c.Jobs.MinInterval
	}
	return MinJobInterval
}

// shortestGap is the shortest time between consecutive firings of sched over a
// sample of its next runs (ok false when it never fires). "@every" durations of
// zero or below count as zero: robfig/cron would quietly round them up.
func shortestGap(spec string, sched cron.Schedule) (time.Duration, bool) {
	s := strings.TrimSpace(spec)
	if d, found := strings.CutPrefix(s, "@every "); found {
		if dur, err := time.ParseDuration(strings.TrimSpace(d)); err == nil && dur <= 0 {
			return 0, true
		}
	}
	// A fixed start keeps the check deterministic; 400 firings cover a day of
	// minutes-resolution specs and a year of daily ones.
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t = sched.Next(t)
	if t.IsZero() {
		return 0, false
	}
	gap := time.Duration(-1)
	for i := 0; i < 400; i++ {
		n := sched.Next(t)
		if n.IsZero() {
			break
		}
		if d := n.Sub(t); gap < 0 || d < gap {
			gap = d
		}
		t = n
	}
	return gap, gap >= 0
}

// Warnings lists what is allowed but probably a mistake: a job spec that can
// never fire (e.g. "0 0 2 31 2 *", 31 February). check-config prints them.
func (c *Config) Warnings() Errors {
	var ws Errors
	for _, j := range []struct{ key, spec string }{
		{"jobs.nightly", c.Jobs.Nightly}, {"jobs.quarterly", c.Jobs.Quarterly}, {"jobs.hourly_pull", c.Jobs.HourlyPull},
	} {
		if strings.TrimSpace(j.spec) == "" {
			continue
		}
		sched, err := ParseCron(j.spec)
		if err != nil {
			continue
		}
		if sched.Next(time.Now()).IsZero() {
			ws = append(ws, c.errAt(j.key, "cron spec %q never fires (no matching date in the next five years); the job will never run", j.spec))
		}
	}
	return ws
}
