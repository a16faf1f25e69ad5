package spec

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReferenceUpToDate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ReferencePath))
	if err != nil {
		t.Fatalf("%v (run go generate ./spec)", err)
	}
	if string(b) != Reference() {
		t.Fatalf("%s is stale: run go generate ./spec and commit it", ReferencePath)
	}
}

func TestMetricsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Metrics {
		if m.ID == "" || m.Table == "" || m.Column == "" || m.ZH == "" || m.EN == "" || m.Format == "" || m.Description == "" {
			t.Errorf("%+v: every attribute is needed", m)
		}
		if m.Direction != "higher" && m.Direction != "lower" {
			t.Errorf("%s: direction %q", m.ID, m.Direction)
		}
		if !m.Indicator && !m.Target && !m.Veto {
			t.Errorf("%s: used for nothing", m.ID)
		}
		if seen[m.ID] {
			t.Errorf("%s listed twice", m.ID)
		}
		seen[m.ID] = true
	}
}
