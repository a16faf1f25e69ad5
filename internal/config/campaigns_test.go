package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCampaignsAndAlertsParse(t *testing.T) {
	src := `
campaigns:
  - {id: jr2026, name: 联合接访, start: 2026-03-01, end: 2026-05-31, units: [C1, C2]}
  - {id: all, name: all units, start: 2026-01-01, end: 2026-01-31, units: "*"}
alerts:
  min_count: 6
  sinks:
    - {kind: outbox, path: var/alerts.jsonl}
    - {kind: http, url: "http://10.0.0.5/alerts", timeout: 3s, retries: 4}
`
	c, err := Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Campaigns) != 2 || c.Campaigns[0].Units[1] != "C2" || !c.Campaigns[1].Units.All() || c.Campaigns[0].Units.All() {
		t.Fatalf("campaigns: %+v", c.Campaigns)
	}
	if c.Campaigns[0].StartDate() != time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("start %v", c.Campaigns[0].StartDate())
	}
	// defaults kept where the file is silent
	if c.Alerts.BaselineWeeks != 8 || c.Alerts.MinCount != 6 || c.Alerts.CollectiveMin != 2 {
		t.Fatalf("alerts %+v", c.Alerts)
	}
	s := c.Alerts.Sinks
	if len(s) != 2 || s[1].Timeout != 3*time.Second || s[1].Retries != 4 || s[0].SinkName() != "outbox:var/alerts.jsonl" {
		t.Fatalf("sinks %+v", s)
	}
	d := Default()
	if len(d.Campaigns) != 0 || d.Alerts.BaselineWeeks != 8 || d.Alerts.MinCount != 5 || d.Alerts.CollectiveMin != 2 {
		t.Fatalf("defaults %+v %+v", d.Campaigns, d.Alerts)
	}
}

// Each bad value is reported with its file, line and key.
func TestCampaignErrorsNameFileLineKey(t *testing.T) {
	dir := t.TempDir()
	units := filepath.Join(dir, "units.csv")
	if err := os.WriteFile(units, []byte("\ufeffunit_id,name,parent_id,level,sector\nP,省局,,province,bureau\nC1,市局,P,city,bureau\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `units: {file: ` + units + `}
campaigns:
  - id: a
    start: 2026-03-01
    end: 2026-02-01
    units: [C1]
  - id: a
    start: 2026-13-01
    end: 2026-05-31
    units:
      - C1
      - NOPE
  - id: b
    start: 2026-01-01
    end: 2026-01-02
    units: []
alerts:
  baseline_weeks: 3
  collective_min: 0
  sinks:
    - {kind: mail, path: x}
    - {kind: http, url: "ftp://x"}
    - {kind: outbox}
`
	_, err := Parse("camp.yaml", []byte(src))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want Errors, got %v", err)
	}
	want := map[string]int{
		"campaigns[0].end":      5,
		"campaigns[1].id":       7,
		"campaigns[1].start":    8,
		"campaigns[1].units[1]": 12,
		"campaigns[2].units":    16,
		"alerts.baseline_weeks": 18,
		"alerts.collective_min": 19,
		"alerts.sinks[0].kind":  21,
		"alerts.sinks[1].url":   22,
		"alerts.sinks[2].path":  23,
	}
	got := map[string]int{}
	for _, e := range es {
		got[e.Key] = e.Line
		if e.File != "camp.yaml" {
			t.Errorf("%v: file %q", e, e.File)
		}
	}
	for k, line := range want {
		if l, ok := got[k]; !ok {
			t.Errorf("no error for %s; got %v", k, es)
		} else if l != line {
			t.Errorf("%s: line %d, want %d", k, l, line)
		}
	}
	if len(es) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(es), len(want), es)
	}
	if !strings.Contains(es.Error(), `unknown unit "NOPE"`) {
		t.Errorf("message: %v", es)
	}
}

// The built-in defaults (one synthetic source, the generator's units) compute the generator's
// drive as a campaign: as of 2026-01-15 the three months from September 2025 (four months
// before January, across the year boundary). A campaigns key (even empty), a non-synthetic
// source or a units file turn it off.
func TestEffectiveCampaigns(t *testing.T) {
	c := Default()
	c.AsOf = "2026-01-15"
	got := c.EffectiveCampaigns()
	if len(got) != 1 || got[0].ID != "synthetic-drive" || got[0].Start != "2025-09-01" || got[0].End != "2025-11-30" || got[0].Units[0] != "P02" {
		t.Fatalf("defaults: %+v", got)
	}
	if d := SyntheticDriveCampaign(time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)); d.Start != "2026-01-01" || d.End != "2026-03-31" {
		t.Fatalf("as of 2026-05-31: %+v", d)
	}
	empty, err := Parse("c.yaml", []byte("campaigns: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(empty.EffectiveCampaigns()); n != 0 {
		t.Fatalf("campaigns: [] gives %d campaigns", n)
	}
	withFile := Default()
	withFile.Units.File = "units.csv"
	if n := len(withFile.EffectiveCampaigns()); n != 0 {
		t.Fatalf("with a units file: %d campaigns", n)
	}
	csv := Default()
	csv.Sources = []Source{{Name: "a", Kind: "csv"}}
	if n := len(csv.EffectiveCampaigns()); n != 0 {
		t.Fatalf("with a csv source: %d campaigns", n)
	}
	own := Default()
	own.Campaigns = []Campaign{{ID: "x"}}
	if got := own.EffectiveCampaigns(); len(got) != 1 || got[0].ID != "x" {
		t.Fatalf("configured: %+v", got)
	}
}
