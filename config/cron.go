package config

import (
	"fmt"
	"strings"

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
		if _, err := ParseCron(j.spec); err != nil {
			errs = append(errs, c.errAt(j.key, "%v", err))
		}
	}
	return errs
}
