package config

import (
	"strings"
	"testing"
)

// The indicator, target and veto metric sets come from the spec registry:
// participation_rate (computed in 110_targets.sql, documented as a target metric)
// is accepted as a target; a rate target outside [0, 1] and unknown ids are not.
func TestMetricIDsFromRegistry(t *testing.T) {
	ok := "targets:\n  - {unit: \"*\", metric: participation_rate, op: \">=\", value: 0.8}\n"
	if _, err := Parse("ok.yaml", []byte(ok)); err != nil {
		t.Fatalf("participation_rate target rejected: %v", err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"targets:\n  - {unit: \"*\", metric: participation_rate, op: \">=\", value: 80}\n", "targets[0].value"},
		{"targets:\n  - {unit: \"*\", metric: yoy_pct, op: \"<=\", value: 0}\n", "targets[0].metric"},
		{"appraisal:\n  indicators:\n    - {id: participation_rate, weight: 1, target: 90, direction: higher, k: 1}\n", "appraisal.indicators[0].id"},
		{"veto:\n  rules:\n    - {id: x, metric: repeat_rate, op: \">=\", threshold: 1, scope: unit, window: year}\n", "veto.rules[0].metric"},
	} {
		_, err := Parse("bad.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error at %s", tc.yaml, err, tc.want)
		}
	}
}
