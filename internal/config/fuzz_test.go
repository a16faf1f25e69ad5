package config

import (
	"strings"
	"testing"
)

// FuzzParse (issue 10): any config bytes give a config or an error, never a panic
// or a hang; errors are config Errors naming the file; a config that loads passes
// its own bounds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"time_zone: Asia/Shanghai\nmetrics:\n  accept_days: 15\n",
		"sources:\n  - name: a\n    kind: csv\n    path: x.csv\n    mapping:\n      fields:\n        petition_id: 编号\n        received_at: {column: t, layouts: [\"2006/1/2\"]}\n",
		"jobs:\n  nightly: \"@every 0s\"\n",
		"jobs:\n  quarterly: \"0 0 2 31 2 *\"\n",
		"a: &a [1, 2]\nb: *a\n",
		"[[[[[[[[",
		"report: {title: \"x\"}\n",
		"\t- - - x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "f.yaml") && !strings.Contains(err.Error(), "<defaults>") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if es := c.checkStringSizes(); len(es) > 0 {
			t.Fatalf("loaded config over the size bounds: %v", es)
		}
		_ = c.Warnings()
	})
}
