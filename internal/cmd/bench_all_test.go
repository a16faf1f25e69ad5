package cmd

import (
	"regexp"
	"strings"
	"testing"
)

// `xinfang bench all` prints one table with every path of one run: both ingest paths,
// the four compute floors and their total, the build and the report, each with wall,
// CPU and peak RSS, and a CPU ratio on our ingest (against read_csv) and our build
// (against the floors total). Only the shape is checked: no timing assertions.
func TestBenchAllPrintsOneTable(t *testing.T) {
	t.Setenv("XINFANG_PSEUDONYM_KEY", "cmd-bench-all-test-pseudonym-key-0123456789")
	out, err := runCmd(t, "bench", "all", "--records", "3000", "--as-of", "2026-05-20")
	if err != nil {
		t.Fatalf("bench all: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var table []string
	for i, l := range lines {
		if strings.HasSuffix(strings.TrimSpace(l), "peak RSS") && strings.Contains(l, "CPU ratio") {
			table = lines[i+1:]
			break
		}
	}
	want := []string{
		"ingest floor: DuckDB read_csv into petitions",
		"ours: xinfang ingest",
		"compute floor: scan + group by (unit, month)",
		"compute floor: distinct petitioners (unit, month)",
		"compute floor: handling-days histogram",
		"compute floor: wide copy (stored table)",
		"compute floors total",
		"ours: queries.Build (every mart)",
		"ours: report (report.Render, full site)",
	}
	if len(table) < len(want) {
		t.Fatalf("no table of %d paths in:\n%s", len(want), out)
	}
	dur := `[0-9.]+(ns|µs|ms|s|m[0-9.]+s)`
	row := regexp.MustCompile(`^\s*(.+?)\s+(` + dur + `)\s+(` + dur + `)\s+(([0-9.]+)\s+(read_csv|floors total)\s+)?([0-9]+) MB$`)
	for i, name := range want {
		m := row.FindStringSubmatch(table[i])
		if m == nil || m[1] != name {
			t.Fatalf("row %d = %q, want path %q with wall, CPU and peak RSS", i, table[i], name)
		}
		hasRatio := m[7] != ""
		if wantRatio := name == "ours: xinfang ingest" || name == "ours: queries.Build (every mart)"; hasRatio != wantRatio {
			t.Errorf("row %q: ratio %q; want one only on our ingest and build", name, m[7])
		}
		if m[9] == "0" {
			t.Errorf("row %q: peak RSS 0", name)
		}
	}
	if !strings.Contains(out, "records: 3000") || !strings.Contains(out, "process peak RSS over the whole run") {
		t.Errorf("header or footer missing:\n%s", out)
	}
}
