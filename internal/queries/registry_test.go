package queries_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/spec"
)

// columns returns a table's column names.
func (f *fixture) columns(schema, table string) []string {
	f.t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`, schema, table)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// strings runs q and returns its one text column, sorted.
func (f *fixture) strs(q string, args ...any) []string {
	f.t.Helper()
	rows, err := f.db.QueryContext(f.ctx, q, args...)
	if err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

// 000_base.sql spells the optional fields out four times (tracked flags per source,
// per row, in mart.records and in mart.tracked); the built tables must carry exactly
// the registry's optional fields, so a field added on one side only fails here.
func TestBaseSQLFieldsMatchRegistry(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "A"})
	f.add(P{ID: "1", Unit: "A", Received: "2024-01-05"})
	f.build("2024-01-31")
	want := sorted(spec.OptionalFields())

	if got := f.strs(`SELECT field FROM mart.tracked`); !slices.Equal(got, want) {
		t.Errorf("mart.tracked fields %v\nregistry optional    %v", got, want)
	}
	if got := sorted(f.columns("mart", "tracked_row")); !slices.Equal(got, want) {
		t.Errorf("mart.tracked_row columns %v\nregistry optional        %v", got, want)
	}
	var flags []string
	for _, c := range f.columns("mart", "records") {
		if strings.HasPrefix(c, "t_") {
			flags = append(flags, strings.TrimPrefix(c, "t_"))
		}
	}
	if got := sorted(flags); !slices.Equal(got, want) {
		t.Errorf("mart.records t_* flags %v\nregistry optional      %v", got, want)
	}
}

// metricFixture is one unit with records that fill every field, in 2023 and 2024,
// and a config that scores every registered indicator, sets a target on every
// registered target metric and a veto rule on every registered veto metric.
func metricFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.units(U{ID: "A"})
	full := func(id, recv, closed string) P {
		return P{ID: id, Unit: "A", Received: recv, Petitioner: "p", Matter: "m", Channel: "visit", Category: "c",
			Headcount: "1", SourceType: "assigned", FeedbackDue: recv[:8] + "25", FeedbackAt: recv[:8] + "20",
			AcceptedAt: recv[:8] + "06", Extension: "0", Closed: closed, Justified: "justified", Satisfaction: "satisfied",
			Followup: closed[:8] + "28", Listed: "true", Leader: "l", Handler: "h", Mass: "true", Traced: "true"}
	}
	// 0 is another petitioner's (so that 1 is a first-time record in 2024); 2 repeats 1.
	p0 := full("0", "2023-06-05", "2023-06-15")
	p0.Petitioner = "q"
	f.add(p0, full("1", "2024-01-05", "2024-01-15"), full("2", "2024-03-05", "2024-03-15"))
	f.cfg.Appraisal.Indicators = nil
	for _, id := range spec.IndicatorIDs() {
		m, _ := spec.MetricByID(id)
		f.cfg.Appraisal.Indicators = append(f.cfg.Appraisal.Indicators, config.Indicator{ID: id, Weight: 1, Target: 50, Direction: m.Direction, K: 1})
	}
	f.cfg.Targets = nil
	for _, id := range spec.TargetMetrics() {
		f.cfg.Targets = append(f.cfg.Targets, config.Target{Unit: "*", Metric: id, Op: ">=", Value: 0})
	}
	f.cfg.Veto.Rules = nil
	for _, id := range spec.VetoMetrics() {
		f.cfg.Veto.Rules = append(f.cfg.Veto.Rules, config.VetoRule{ID: id, Metric: id, Op: ">=", Threshold: 1, Scope: "unit", Window: "year"})
	}
	if err := f.cfg.Validate(); err != nil {
		t.Fatalf("fixture config: %v", err)
	}
	f.build("2024-12-31")
	return f
}

// The SQL names indicators, target metrics and veto metrics by hand (100_appraisal,
// 110_targets, 090_veto, 115_peer_quantiles); each registered id must come out of its
// SQL with a value, and every registered mart column must exist. A metric added to
// the registry but not to the SQL (or renamed on one side) fails here.
func TestSQLMetricsMatchRegistry(t *testing.T) {
	f := metricFixture(t)
	for _, m := range spec.Metrics {
		parts := strings.SplitN(m.Table, ".", 2)
		if !slices.Contains(f.columns(parts[0], parts[1]), m.Column) {
			t.Errorf("%s: %s has no column %s", m.ID, m.Table, m.Column)
		}
	}
	// An indicator the SQL does not compute gets no denominator (LEFT JOIN from config).
	got := f.strs(`SELECT DISTINCT indicator FROM mart.appraisal_indicators
		WHERE unit_id = 'A' AND period_type = 'year' AND period = '2024' AND denominator IS NOT NULL`)
	if want := sorted(spec.IndicatorIDs()); !slices.Equal(got, want) {
		t.Errorf("indicators with a value in SQL %v\nregistry indicators          %v", got, want)
	}
	got = f.strs(`SELECT DISTINCT metric FROM mart.targets WHERE unit_id = 'A' AND year = 2024 AND actual_ytd IS NOT NULL`)
	if want := sorted(spec.TargetMetrics()); !slices.Equal(got, want) {
		t.Errorf("target metrics with a value in SQL %v\nregistry target metrics           %v", got, want)
	}
	got = f.strs(`SELECT DISTINCT metric FROM mart.veto WHERE scope = 'unit' AND subject_id = 'A' AND year = 2024 AND value IS NOT NULL`)
	if want := sorted(spec.VetoMetrics()); !slices.Equal(got, want) {
		t.Errorf("veto metrics with a value in SQL %v\nregistry veto metrics           %v", got, want)
	}
	for _, id := range f.strs(`SELECT DISTINCT metric FROM mart.peer_quantiles`) {
		if _, ok := spec.MetricByID(id); !ok {
			t.Errorf("mart.peer_quantiles metric %s is not in the registry", id)
		}
	}
}
