package config

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every error branch of Validate (and the jobs' cron specs) with a config file that
// breaks exactly that rule over the defaults, and the error it must give: file:line,
// key, and the essential part of the message (modelled on Prometheus's
// config/config_test.go expectedErrors table and its config/testdata/*.bad.yml).
var expectedErrors = []struct {
	filename string
	line     int    // the line the error names (0: none)
	key      string // the key it names
	msg      string // the essential part of the message
}{
	{"time_zone.bad.yml", 2, "time_zone", "unknown time zone \"Mars/Olympus\""},
	{"as_of.bad.yml", 2, "as_of", "want YYYY-MM-DD"},
	{"database_empty.bad.yml", 2, "database", "must not be empty"},
	{"reports_dir_empty.bad.yml", 2, "reports_dir", "must not be empty"},
	{"language.bad.yml", 2, "language", "want zh or en, got \"fr\""},
	{"sources_empty.bad.yml", 2, "sources", "at least one source is needed"},
	{"source_name_empty.bad.yml", 3, "sources[0].name", "must not be empty"},
	{"source_name_duplicate.bad.yml", 5, "sources[1].name", "duplicate source name \"a\""},
	{"source_kind.bad.yml", 4, "sources[0].kind", "got \"ftp\""},
	{"source_encoding.bad.yml", 5, "sources[0].encoding", "got \"latin1\""},
	{"source_time_zone.bad.yml", 5, "sources[0].time_zone", "unknown time zone \"Nowhere/Town\""},
	{"source_header_row.bad.yml", 5, "sources[0].header_row", "must be 1 or more"},
	{"source_batch_size.bad.yml", 5, "sources[0].batch_size", "must not be negative"},
	{"synthetic_records.bad.yml", 6, "sources[0].synthetic.records", "must not be negative"},
	{"postgres_dsn.bad.yml", 3, "sources[0].dsn", "a postgres source needs a dsn"},
	{"postgres_table.bad.yml", 3, "sources[0].table", "needs a table or a query"},
	{"csv_path.bad.yml", 3, "sources[0].path", "a csv source needs a path"},
	{"required_field.bad.yml", 8, "sources[0].mapping.fields", "required field unit_id is not mapped"},
	{"field_not_canonical.bad.yml", 11, "sources[0].mapping.fields.shoe_size", "not a canonical field"},
	{"field_two_forms.bad.yml", 10, "sources[0].mapping.fields.unit_id", "exactly one of column, columns, const or expr"},
	{"field_columns_and_const.bad.yml", 10, "sources[0].mapping.fields.unit_id", "exactly one of column, columns, const or expr"},
	{"values_not_canonical.bad.yml", 9, "sources[0].mapping.values.colour", "not a canonical field"},
	{"personal_not_canonical.bad.yml", 8, "sources[0].mapping.personal", "\"home_address\" is not a canonical field"},
	{"metrics_negative_days.bad.yml", 3, "metrics.handle_days", "must not be negative, got -1"},
	{"collective_min_headcount.bad.yml", 3, "metrics.collective_min_headcount", "must be 1 or more"},
	{"day_basis.bad.yml", 3, "metrics.day_basis", "want calendar or working, got \"lunar\""},
	{"holiday_file.bad.yml", 3, "metrics.holiday_file", "day_basis: working needs a holiday_file"},
	{"timeliness_basis.bad.yml", 3, "metrics.timeliness_basis", "want due or closed, got \"received\""},
	{"trend_months.bad.yml", 3, "metrics.trend_months", "need trend_months >= trend_min_months >= 1"},
	{"trend_z.bad.yml", 3, "metrics.trend_z", "must be positive"},
	{"veto_id.bad.yml", 5, "veto.rules[1].id", "needs a unique id"},
	{"veto_metric.bad.yml", 5, "veto.rules[0].metric", "got \"noise\""},
	{"veto_op.bad.yml", 6, "veto.rules[0].op", "got \"!=\""},
	{"veto_scope.bad.yml", 8, "veto.rules[0].scope", "want unit or handler, got \"province\""},
	{"veto_window.bad.yml", 9, "veto.rules[0].window", "only year is supported, got \"month\""},
	{"veto_grade_cap.bad.yml", 3, "veto.grade_cap", "\"卓越\" is not one of appraisal.grades"},
	{"appraisal_min_n.bad.yml", 3, "appraisal.min_n", "must not be negative"},
	{"indicator_id.bad.yml", 4, "appraisal.indicators[0].id", "got \"happiness\""},
	{"indicator_duplicate.bad.yml", 5, "appraisal.indicators[1].id", "duplicate indicator \"on_time_rate\""},
	{"indicator_weight.bad.yml", 5, "appraisal.indicators[0].weight", "must be positive"},
	{"indicator_k.bad.yml", 8, "appraisal.indicators[0].k", "must not be negative"},
	{"indicator_direction.bad.yml", 7, "appraisal.indicators[0].direction", "want higher or lower, got \"sideways\""},
	{"grades_empty.bad.yml", 5, "appraisal.grades", "at least one grade band is needed"},
	{"grade_name.bad.yml", 6, "appraisal.grades[0].name", "must not be empty"},
	{"target_unit.bad.yml", 3, "targets[0].unit", "give a unit_id or *"},
	{"target_metric.bad.yml", 4, "targets[0].metric", "got \"smiles\""},
	{"target_op.bad.yml", 5, "targets[0].op", "got \"=\""},
	{"target_value.bad.yml", 6, "targets[0].value", "a rate target is a fraction in [0, 1], got 95"},
	{"report_top_n.bad.yml", 3, "report.top_n", "must be 1 or more"},
	{"jobs_retries.bad.yml", 3, "jobs.retries", "must not be negative"},
	{"jobs_grace_period.bad.yml", 3, "jobs.grace_period", "durations must not be negative"},
	{"jobs_nightly_missing.bad.yml", 3, "jobs.nightly", "a cron spec is required"},
	{"jobs_quarterly_bad.bad.yml", 3, "jobs.quarterly", ""},
	{"log_level.bad.yml", 3, "log.level", "got \"loud\""},
	{"log_format.bad.yml", 3, "log.format", "want text or json, got \"xml\""},
	{"duckdb_threads.bad.yml", 3, "duckdb.threads", "must not be negative"},
	{"duckdb_memory_limit.bad.yml", 3, "duckdb.memory_limit", "got \"lots\""},
}

func TestBadConfigs(t *testing.T) {
	for _, ee := range expectedErrors {
		t.Run(strings.TrimSuffix(ee.filename, ".bad.yml"), func(t *testing.T) {
			loc := "testdata/" + ee.filename
			if ee.line > 0 {
				loc += ":" + strconv.Itoa(ee.line)
			}
			want := loc + ": " + ee.key + ": "
			_, err := Load(filepath.Join("testdata", ee.filename))
			if err == nil {
				t.Fatalf("%s loaded without error, want %s…%s", ee.filename, want, ee.msg)
			}
			var errs Errors
			if errors.As(err, &errs) && len(errs) != 1 {
				t.Errorf("%s: %d errors, want exactly one (the file breaks one rule):\n%v", ee.filename, len(errs), err)
			}
			got := err.Error()
			if !strings.HasPrefix(got, want) || !strings.Contains(got, ee.msg) {
				t.Errorf("%s:\n got %s\nwant %s…%s", ee.filename, got, want, ee.msg)
			}
		})
	}
}

// Every testdata/*.bad.yml has a row, so a new file cannot go unchecked.
func TestBadConfigsAllListed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.bad.yml"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, ee := range expectedErrors {
		listed[ee.filename] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s has no row in expectedErrors", f)
		}
	}
	if len(files) != len(expectedErrors) {
		t.Errorf("%d files, %d rows", len(files), len(expectedErrors))
	}
}
