package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// CanonicalFields lists SPEC §2's fields in order, with whether each is required.
var CanonicalFields = []struct {
	Name     string
	Required bool
}{
	{"petition_id", true}, {"received_at", true}, {"unit_id", true},
	{"petitioner_id", false}, {"matter_id", false}, {"channel", false}, {"category", false},
	{"headcount", false}, {"source_type", false}, {"feedback_due", false}, {"feedback_at", false},
	{"accepted_at", false}, {"due_at", false}, {"extension_days", false}, {"closed_at", false},
	{"justified", false}, {"satisfaction", false}, {"followup_at", false},
	{"listed_supervision", false}, {"leader_owner", false}, {"handler_id", false},
	{"mass_incident", false}, {"traced_fault", false}, {"updated_at", false},
}

// IsCanonicalField reports whether name is a SPEC §2 field.
func IsCanonicalField(name string) bool {
	for _, f := range CanonicalFields {
		if f.Name == name {
			return true
		}
	}
	return false
}

var (
	sourceKinds   = []string{"synthetic", "csv", "tsv", "xlsx", "jsonl", "parquet", "postgres"}
	encodings     = []string{"", "auto", "utf-8", "utf8", "gb18030", "gbk"}
	vetoMetrics   = []string{"justified_complaints", "mass_incident", "traced_fault"}
	ops           = []string{">=", ">", "<=", "<", "="}
	indicatorIDs  = []string{"on_time_rate", "acceptance_rate", "repeat_rate", "first_contact_rate", "feedback_rate", "followup_rate", "satisfaction_rate", "yoy_pct", "not_ceased_rate", "repeat_petitioner_rate"}
	targetMetrics = []string{"volume_change_pct", "on_time_rate", "acceptance_rate", "repeat_rate", "repeat_petitioner_rate", "first_contact_rate", "feedback_rate", "followup_rate", "satisfaction_rate", "not_ceased_rate"}
)

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// Validate checks every value; all problems are reported at once.
func (c *Config) Validate() error {
	var errs Errors
	add := func(e *Error) { errs = append(errs, e) }

	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		add(c.errAt("time_zone", "unknown time zone %q", c.TimeZone))
	}
	if c.AsOf != "" {
		if _, err := time.Parse("2006-01-02", c.AsOf); err != nil {
			add(c.errAt("as_of", "want YYYY-MM-DD, got %q", c.AsOf))
		}
	}
	if strings.TrimSpace(c.Database) == "" {
		add(c.errAt("database", "must not be empty"))
	}
	if strings.TrimSpace(c.ReportsDir) == "" {
		add(c.errAt("reports_dir", "must not be empty"))
	}
	if c.Language != "zh" && c.Language != "en" {
		add(c.errAt("language", "want zh or en, got %q", c.Language))
	}
	if len(c.Sources) == 0 {
		add(c.errAt("sources", "at least one source is needed"))
	}
	names := map[string]bool{}
	for i, s := range c.Sources {
		k := fmt.Sprintf("sources[%d]", i)
		if s.Name == "" {
			add(c.errAt(k+".name", "must not be empty"))
		} else if names[s.Name] {
			add(c.errAt(k+".name", "duplicate source name %q", s.Name))
		}
		names[s.Name] = true
		if !oneOf(s.Kind, sourceKinds) {
			add(c.errAt(k+".kind", "want one of %s, got %q", strings.Join(sourceKinds, ", "), s.Kind))
		}
		if !oneOf(strings.ToLower(s.Encoding), encodings) {
			add(c.errAt(k+".encoding", "want auto, utf-8, gb18030 or gbk, got %q", s.Encoding))
		}
		if s.TimeZone != "" {
			if _, err := time.LoadLocation(s.TimeZone); err != nil {
				add(c.errAt(k+".time_zone", "unknown time zone %q", s.TimeZone))
			}
		}
		if s.HeaderRow < 0 {
			add(c.errAt(k+".header_row", "must be 1 or more"))
		}
		if s.BatchSize < 0 {
			add(c.errAt(k+".batch_size", "must not be negative"))
		}
		switch s.Kind {
		case "synthetic":
			if s.Synthetic.Records < 0 {
				add(c.errAt(k+".synthetic.records", "must not be negative"))
			}
		case "postgres":
			if s.DSN == "" {
				add(c.errAt(k+".dsn", "a postgres source needs a dsn"))
			}
			if s.Table == "" && s.Query == "" {
				add(c.errAt(k+".table", "a postgres source needs a table or a query"))
			}
		case "":
		default:
			if s.Path == "" {
				add(c.errAt(k+".path", "a %s source needs a path (file, folder or glob)", s.Kind))
			}
		}
		if s.Kind != "synthetic" && s.Kind != "" {
			for _, req := range []string{"petition_id", "received_at", "unit_id"} {
				fm, ok := s.Mapping.Fields[req]
				if !ok || (fm.Column == "" && len(fm.Columns) == 0 && fm.Const == "") {
					// An identity mapping is allowed: canonical CSVs need no mapping at all.
					if len(s.Mapping.Fields) > 0 {
						add(c.errAt(k+".mapping.fields", "required field %s is not mapped", req))
					}
				}
			}
		}
		fields := make([]string, 0, len(s.Mapping.Fields))
		for f := range s.Mapping.Fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			fm := s.Mapping.Fields[f]
			fk := k + ".mapping.fields." + f
			if !IsCanonicalField(f) {
				add(c.errAt(fk, "not a canonical field (see SPEC §2)"))
				continue
			}
			n := 0
			if fm.Column != "" {
				n++
			}
			if len(fm.Columns) > 0 {
				n++
			}
			if fm.Const != "" {
				n++
			}
			if n != 1 {
				add(c.errAt(fk, "give exactly one of column, columns or const"))
			}
		}
		for f := range s.Mapping.Values {
			if !IsCanonicalField(f) {
				add(c.errAt(k+".mapping.values."+f, "not a canonical field"))
			}
		}
		for _, f := range s.Mapping.Personal {
			if !IsCanonicalField(f) {
				add(c.errAt(k+".mapping.personal", "%q is not a canonical field", f))
			}
		}
	}

	m := c.Metrics
	pos := func(key string, v int) {
		if v < 0 {
			add(c.errAt(key, "must not be negative, got %d", v))
		}
	}
	pos("metrics.accept_days", m.AcceptDays)
	pos("metrics.handle_days", m.HandleDays)
	pos("metrics.feedback_days", m.FeedbackDays)
	pos("metrics.max_extension_days", m.MaxExtensionDays)
	pos("metrics.repeat_window_days", m.RepeatWindowDays)
	pos("metrics.ceased_window_days", m.CeasedWindowDays)
	pos("metrics.due_soon_days", m.DueSoonDays)
	if m.CollectiveMinHeadcount < 1 {
		add(c.errAt("metrics.collective_min_headcount", "must be 1 or more"))
	}
	if m.DayBasis != "calendar" && m.DayBasis != "working" {
		add(c.errAt("metrics.day_basis", "want calendar or working, got %q", m.DayBasis))
	}
	if m.DayBasis == "working" && m.HolidayFile == "" {
		add(c.errAt("metrics.holiday_file", "day_basis: working needs a holiday_file"))
	}
	if m.TimelinessBasis != "due" && m.TimelinessBasis != "closed" {
		add(c.errAt("metrics.timeliness_basis", "want due or closed, got %q", m.TimelinessBasis))
	}
	if m.TrendMinMonths < 1 || m.TrendMonths < m.TrendMinMonths {
		add(c.errAt("metrics.trend_months", "need trend_months >= trend_min_months >= 1"))
	}
	if m.TrendZ <= 0 {
		add(c.errAt("metrics.trend_z", "must be positive"))
	}

	ids := map[string]bool{}
	for i, r := range c.Veto.Rules {
		k := fmt.Sprintf("veto.rules[%d]", i)
		if r.ID == "" || ids[r.ID] {
			add(c.errAt(k+".id", "needs a unique id"))
		}
		ids[r.ID] = true
		if !oneOf(r.Metric, vetoMetrics) {
			add(c.errAt(k+".metric", "want one of %s, got %q", strings.Join(vetoMetrics, ", "), r.Metric))
		}
		if !oneOf(r.Op, ops) {
			add(c.errAt(k+".op", "want one of %s, got %q", strings.Join(ops, " "), r.Op))
		}
		if r.Scope != "unit" && r.Scope != "handler" {
			add(c.errAt(k+".scope", "want unit or handler, got %q", r.Scope))
		}
		if r.Window != "year" && r.Window != "" {
			add(c.errAt(k+".window", "only year is supported, got %q", r.Window))
		}
	}
	if c.Veto.GradeCap != "" && !c.hasGrade(c.Veto.GradeCap) {
		add(c.errAt("veto.grade_cap", "%q is not one of appraisal.grades", c.Veto.GradeCap))
	}

	if c.Appraisal.MinN < 0 {
		add(c.errAt("appraisal.min_n", "must not be negative"))
	}
	seen := map[string]bool{}
	for i, ind := range c.Appraisal.Indicators {
		k := fmt.Sprintf("appraisal.indicators[%d]", i)
		if !oneOf(ind.ID, indicatorIDs) {
			add(c.errAt(k+".id", "want one of %s, got %q", strings.Join(indicatorIDs, ", "), ind.ID))
		}
		if seen[ind.ID] {
			add(c.errAt(k+".id", "duplicate indicator %q", ind.ID))
		}
		seen[ind.ID] = true
		if ind.Weight <= 0 {
			add(c.errAt(k+".weight", "must be positive"))
		}
		if ind.K < 0 {
			add(c.errAt(k+".k", "must not be negative"))
		}
		if ind.Direction != "higher" && ind.Direction != "lower" {
			add(c.errAt(k+".direction", "want higher or lower, got %q", ind.Direction))
		}
	}
	if len(c.Appraisal.Grades) == 0 {
		add(c.errAt("appraisal.grades", "at least one grade band is needed"))
	}
	for i, g := range c.Appraisal.Grades {
		if g.Name == "" {
			add(c.errAt(fmt.Sprintf("appraisal.grades[%d].name", i), "must not be empty"))
		}
	}

	for i, t := range c.Targets {
		k := fmt.Sprintf("targets[%d]", i)
		if t.Unit == "" {
			add(c.errAt(k+".unit", "give a unit_id or *"))
		}
		if !oneOf(t.Metric, targetMetrics) {
			add(c.errAt(k+".metric", "want one of %s, got %q", strings.Join(targetMetrics, ", "), t.Metric))
		}
		if t.Op != "<=" && t.Op != ">=" {
			add(c.errAt(k+".op", "want <= (ceiling) or >= (floor), got %q", t.Op))
		}
		if t.Metric != "volume_change_pct" && (t.Value < 0 || t.Value > 1) {
			add(c.errAt(k+".value", "a rate target is a fraction in [0, 1], got %v", t.Value))
		}
	}

	if c.Report.TopN < 1 {
		add(c.errAt("report.top_n", "must be 1 or more"))
	}
	if c.Jobs.Retries < 0 {
		add(c.errAt("jobs.retries", "must not be negative"))
	}
	if c.Jobs.GracePeriod < 0 || c.Jobs.Backoff < 0 {
		add(c.errAt("jobs.grace_period", "durations must not be negative"))
	}
	errs = append(errs, c.validateJobs()...)
	errs = append(errs, c.checkStringSizes()...)
	if !oneOf(c.Log.Level, []string{"debug", "info", "warn", "error"}) {
		add(c.errAt("log.level", "want debug, info, warn or error, got %q", c.Log.Level))
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		add(c.errAt("log.format", "want text or json, got %q", c.Log.Format))
	}
	if c.DuckDB.Threads < 0 {
		add(c.errAt("duckdb.threads", "must not be negative"))
	}
	if ml := c.DuckDB.MemoryLimit; ml != "" && !memoryLimitRe.MatchString(ml) {
		add(c.errAt("duckdb.memory_limit", "want a size such as 8GB or 512MB, got %q", ml))
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

var memoryLimitRe = regexp.MustCompile(`^(?i)[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

func (c *Config) hasGrade(name string) bool {
	for _, g := range c.Appraisal.Grades {
		if g.Name == name {
			return true
		}
	}
	return false
}

// Location returns the configured time zone.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// AsOfDate returns the as-of date: the configured one, or today in the configured zone.
func (c *Config) AsOfDate() time.Time {
	loc := c.Location()
	if c.AsOf != "" {
		if t, err := time.ParseInLocation("2006-01-02", c.AsOf, loc); err == nil {
			return t
		}
	}
	now := time.Now().In(loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
}
