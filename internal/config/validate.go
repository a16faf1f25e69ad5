package config

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinfang/xinfang/internal/spec"
)

var (
	sourceKinds   = spec.SourceKindNames()
	encodings     = []string{"", "auto", "utf-8", "utf8", "gb18030", "gbk"}
	vetoMetrics   = spec.VetoMetrics()
	ops           = []string{">=", ">", "<=", "<", "="}
	indicatorIDs  = spec.IndicatorIDs()
	targetMetrics = spec.TargetMetrics()
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
		sk, known := spec.LookupSourceKind(s.Kind)
		if !known {
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
		if d := s.Delimiter; d != "" {
			if !sk.Delimiter {
				add(c.errAt(k+".delimiter", "applies to csv and tsv sources only"))
			} else if d != `\t` && (utf8.RuneCountInString(d) != 1 || d == "\"" || d == "\n" || d == "\r") {
				add(c.errAt(k+".delimiter", "want one character (or \\t for tab), got %q", d))
			}
		}
		if s.Sheet != "" && !sk.Sheet {
			add(c.errAt(k+".sheet", "applies to xlsx sources only"))
		}
		if s.HeaderRow < 0 {
			add(c.errAt(k+".header_row", "must be 1 or more"))
		}
		if s.BatchSize < 0 {
			add(c.errAt(k+".batch_size", "must not be negative"))
		}
		// An unknown kind is checked as a file kind (sk is zero: FromFiles), as before.
		switch {
		case s.Kind == "":
		case sk.Input == spec.FromGenerator:
			if s.Synthetic.Records < 0 {
				add(c.errAt(k+".synthetic.records", "must not be negative"))
			}
		case sk.Input == spec.FromDatabase:
			if s.DSN == "" {
				add(c.errAt(k+".dsn", "a %s source needs a dsn", s.Kind))
			}
			if s.Table == "" && s.Query == "" {
				add(c.errAt(k+".table", "a %s source needs a table or a query", s.Kind))
			}
		default:
			if s.Path == "" {
				add(c.errAt(k+".path", "a %s source needs a path (file, folder or glob)", s.Kind))
			}
		}
		if s.Kind != "" && sk.Input != spec.FromGenerator {
			for _, req := range spec.RequiredFields() {
				fm, ok := s.Mapping.Fields[req]
				if !ok || (fm.Column == "" && len(fm.Columns) == 0 && fm.Const == "" && fm.Expr == "") {
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
			if !spec.IsField(f) {
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
			if fm.Expr != "" {
				n++
			}
			if n != 1 {
				add(c.errAt(fk, "give exactly one of column, columns, const or expr"))
			}
			if len(fm.Values) > 0 && isDateField(f) {
				add(c.errAt(fk+".values", "values does not apply to a date field (%s): give layouts, or an expr", f))
			}
		}
		for f := range s.Mapping.Values {
			if !spec.IsField(f) {
				add(c.errAt(k+".mapping.values."+f, "not a canonical field"))
			} else if isDateField(f) {
				add(c.errAt(k+".mapping.values."+f, "values does not apply to a date field: give layouts, or an expr"))
			}
		}
		for j, r := range s.Mapping.Where {
			if strings.TrimSpace(r) == "" {
				add(c.errAt(fmt.Sprintf("%s.mapping.where[%d]", k, j), "an empty rule"))
			}
		}
		for _, f := range s.Mapping.Personal {
			if !spec.IsField(f) {
				add(c.errAt(k+".mapping.personal", "%q is not a canonical field", f))
			}
		}
	}

	errs = append(errs, c.validateUnits(names)...)

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

	gradesNamed := len(c.Appraisal.Grades) > 0
	for _, g := range c.Appraisal.Grades {
		gradesNamed = gradesNamed && g.Name != ""
	}
	// Checked against well-formed grades only: a broken grade list is its own error.
	if c.Appraisal.CommendMinGrade != "" && gradesNamed && !c.hasGrade(c.Appraisal.CommendMinGrade) {
		add(c.errAt("appraisal.commend_min_grade", "%q is not one of appraisal.grades", c.Appraisal.CommendMinGrade))
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
		if m, ok := spec.MetricByID(t.Metric); ok && m.Unit == spec.Rate && (t.Value < 0 || t.Value > 1) {
			add(c.errAt(k+".value", "a rate target is a fraction in [0, 1], got %v", t.Value))
		}
	}

	c.validateBrief(add)
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
	errs = append(errs, c.validateServe()...)
	errs = append(errs, c.validateCampaigns()...)
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
	if ml := c.DuckDB.MemoryLimit; ml != "" && !validSize(ml) {
		add(c.errAt("duckdb.memory_limit", "want a size such as 8GB or 512MB, got %q", ml))
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// dateFields are the canonical fields parsed as dates or datetimes: value aliases
// never apply to them (a date is parsed, not looked up).
var dateFields = []string{"received_at", "feedback_due", "feedback_at", "accepted_at", "due_at", "closed_at", "followup_at", "updated_at"}

func isDateField(f string) bool { return oneOf(f, dateFields) }

func (c *Config) validateUnits(sources map[string]bool) Errors {
	var errs Errors
	fs := c.Units.FromSource
	if fs == nil {
		return nil
	}
	if fs.Source == "" {
		errs = append(errs, c.errAt("units.from_source.source", "name the source whose records give the units"))
	} else if !sources[fs.Source] {
		errs = append(errs, c.errAt("units.from_source.source", "%q is not a configured source", fs.Source))
	}
	if fs.Root != nil && strings.TrimSpace(fs.Root.ID) == "" {
		errs = append(errs, c.errAt("units.from_source.root.id", "the root unit needs an id"))
	}
	return errs
}

var sizeRe = regexp.MustCompile(`^(?i)([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// ParseSize reads a DuckDB size such as 2GB (powers of 1000) or 2GiB (of 1024), as
// duckdb.memory_limit takes it.
func ParseSize(s string) (int64, bool) {
	m := sizeRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	mult := map[string]float64{"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[strings.ToLower(m[2])]
	return int64(v * mult), true
}

func validSize(s string) bool { _, ok := ParseSize(s); return ok }

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

// briefPlaceholder matches the {name} fields of brief.title and brief.doc_number.
var briefPlaceholder = regexp.MustCompile(`\{[^{}]*\}`)

// validateBrief checks the 情况通报 title block: printable text of a sensible length,
// and only the placeholders the brief package fills in.
func (c *Config) validateBrief(add func(*Error)) {
	for _, f := range []struct{ key, val string }{
		{"brief.issuer", c.Brief.Issuer}, {"brief.title", c.Brief.Title}, {"brief.doc_number", c.Brief.DocNumber},
	} {
		if n := len([]rune(f.val)); n > 200 {
			add(c.errAt(f.key, "at most 200 characters, got %d", n))
		}
		if strings.IndexFunc(f.val, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			add(c.errAt(f.key, "must not contain control characters (line breaks, tabs)"))
		}
		if f.key == "brief.issuer" {
			continue
		}
		for _, ph := range briefPlaceholder.FindAllString(f.val, -1) {
			if !oneOf(ph, []string{"{year}", "{q}", "{quarter}", "{quarter_zh}"}) {
				add(c.errAt(f.key, "unknown placeholder %s (want {year}, {q}, {quarter} or {quarter_zh})", ph))
			}
		}
	}
}
