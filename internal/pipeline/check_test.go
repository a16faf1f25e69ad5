package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
)

func parseCfg(t *testing.T, yml string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(yml))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return cfg
}

// check-config's mapping checks, each on the line of its key: without data
// (aliases, expressions), from the header (missing columns), and from a sample.
func TestCheckSources(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.csv")
	if err := os.WriteFile(data, []byte("id,Date received,State,Status,Referral\n1,2024-01-05,CA,Closed,Referral\n2,05/01/2024,,Closed,Web\n3,2024-01-07,NY,Closed (Duplicate),Web\n4,2024-01-08,NY,Closed,Mail\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	head := "time_zone: Asia/Shanghai\nas_of: 2024-06-30\nsources:\n  - name: s\n    kind: csv\n    path: " + data + "\n"
	static := head + `    mapping:
      where:
        - "Status NOT LIKE '%(Duplicate)'"
        - "Status ="
      fields:
        petition_id: id
        received_at: Date received
        unit_id: {expr: "coalesce(nullif(State, ''), 'NO_STATE'"}
        source_type: {column: Referral, values: {Referral: referral}}
        channel: {expr: "upper(Nope)"}
`
	errs, _ := CheckSources(context.Background(), parseCfg(t, static), 0)
	want := []string{
		"c.yaml:10: sources[0].mapping.where[1]: Status =: syntax error",
		"c.yaml:14: sources[0].mapping.fields.unit_id.expr: coalesce(nullif(State, ''), 'NO_STATE': syntax error",
		`c.yaml:15: sources[0].mapping.fields.source_type.values: "Referral" -> "referral": "referral" is not a source_type value`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%v", errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %s\nwant prefix %s", i, errs[i], w)
		}
	}

	// Once those are fixed the header shows the expression's column is missing.
	fixed := strings.NewReplacer(`- "Status ="`, `- "Status <> 'x'"`, `'NO_STATE'"`, `'NO_STATE')"`, "referral}", "transferred}").Replace(static)
	errs, _ = CheckSources(context.Background(), parseCfg(t, fixed), 0)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "expr upper(Nope): column(s) Nope not in the header") {
		t.Fatalf("header check: %v", errs)
	}

	// A sample of the fixed mapping: row 4 (the duplicate) is skipped, row 3 rejected
	// (05/01/2024 is no date without a layout), lower(Referral) is no channel value in rows 2 and 5, Mail no source_type (3 warnings; row 3's warning goes with its reject).
	good := strings.Replace(fixed, `channel: {expr: "upper(Nope)"}`, `channel: {expr: "lower(Referral)"}`, 1)
	cfg := parseCfg(t, good)
	errs, warns := CheckSources(context.Background(), cfg, 100)
	if len(errs) != 0 || len(warns) != 1 {
		t.Fatalf("sample: errors %v warnings %v", errs, warns)
	}
	for _, w := range []string{"of the first 4 rows, 1 would be skipped (1 by Status NOT LIKE '%(Duplicate)'), 1 rejected, 3 field warnings",
		`reject: received_at is not a date or datetime ×1 (e.g. row 3: "05/01/2024")`, "warning: not a known channel value; stored blank ×2"} {
		if !strings.Contains(warns[0], w) {
			t.Errorf("sample warning %q lacks %q", warns[0], w)
		}
	}

	// A source zone that differs from the global one is a warning saying what moves.
	_, warns = CheckSources(context.Background(), parseCfg(t, strings.Replace(good, "    kind: csv\n", "    kind: csv\n    time_zone: America/Los_Angeles\n", 1)), 0)
	if len(warns) != 1 || !strings.Contains(warns[0], "c.yaml:6: sources[0].time_zone: America/Los_Angeles differs from time_zone Asia/Shanghai") ||
		!strings.Contains(warns[0], "stored 15h later, so a record received at or after 09:00 source time counts on the next day") {
		t.Fatalf("zone warning: %v", warns)
	}
}

func TestCheckUnitsHeader(t *testing.T) {
	dir := t.TempDir()
	u := filepath.Join(dir, "units.csv")
	if err := os.WriteFile(u, []byte("code,name\nU1,One\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	y := "sources:\n  - {name: s, kind: synthetic}\nunits:\n  file: " + u + "\n"
	errs, _ := CheckSources(context.Background(), parseCfg(t, y), 0)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `c.yaml:4: units.file: `+u+`: no unit_id column "unit_id"`) {
		t.Fatalf("errors %v", errs)
	}
	errs, _ = CheckSources(context.Background(), parseCfg(t, y+"  mapping: {unit_id: code}\n"), 0)
	if len(errs) != 0 {
		t.Fatalf("with mapping: %v", errs)
	}
}
