package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 10 item 7: hostile configs are refused by the lexical bounds check before
// the YAML parser runs (Key "(size)"), so they cost time proportional to the file
// and no memory. The 200 KB bracket file once took 527 s and 21.7 GB.
func TestHostileConfigsRefusedBeforeParsing(t *testing.T) {
	cases := map[string]string{
		"brackets": strings.Repeat("[", 200<<10),
		"braces":   "a: " + strings.Repeat("{a: ", 50<<10),
		"mixed":    "x: " + strings.Repeat("[{", 100<<10),
		"dashes":   strings.Repeat("- ", 100<<10) + "x\n",
		"indent":   nestedBlocks(300),
		"aliases":  "a: &a [1]\nb: [" + strings.Repeat("*a, ", 1000) + "]\n",
	}
	dir := t.TempDir()
	for name, body := range cases {
		p := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := Load(p)
		var e *Error
		if !errors.As(err, &e) || e.Key != "(size)" || e.File != p {
			t.Errorf("%s: err = %v; want a (size) error naming %s", name, err, p)
			continue
		}
		t.Logf("%s (%d bytes): refused in %s: %v", name, len(body), time.Since(start), err)
	}
	// Brackets inside quoted strings and comments are text, not nesting.
	ok := "report:\n  title: \"" + strings.Repeat("[", 100) + "\" # " + strings.Repeat("{", 100) + "\n"
	if _, err := Parse("ok.yaml", []byte(ok)); err != nil {
		t.Errorf("quoted brackets: %v", err)
	}
}

func nestedBlocks(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat("  ", i) + "a:\n")
	}
	return b.String()
}

// Issue 10 item 8: a file above MaxConfigBytes and a string above MaxStringLen
// (here report.title) are errors naming the file (and line and key).
func TestAbsurdSizesAreErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, []byte("report:\n  title: \""+strings.Repeat("x", 50<<20)+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("50 MB title: err = %v", err)
	}
	_, err = Parse("t.yaml", []byte("language: zh\nreport:\n  title: \""+strings.Repeat("题", 2000)+"\"\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "report.title" || es[0].Line != 3 {
		t.Fatalf("6000-byte title: %v", err)
	}
}

// Issue 10 item 8: intervals of zero, below zero or under MinJobInterval are
// errors; a spec that can never fire is a warning, not an error.
func TestJobIntervals(t *testing.T) {
	for _, spec := range []string{"@every 0s", "@every -1s", "@every 30s", "* * * * * *", "*/10 * * * * *"} {
		_, err := Parse("j.yaml", []byte("jobs:\n  nightly: \""+spec+"\"\n"))
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "jobs.nightly" || !strings.Contains(es[0].Msg, "minimum interval") {
			t.Errorf("%q: err = %v; want a minimum-interval error on jobs.nightly", spec, err)
		}
	}
	for _, spec := range []string{"@every 1m", "0 * * * * *", "0 0 2 * * *", "@hourly"} {
		if _, err := Parse("j.yaml", []byte("jobs:\n  hourly_pull: \""+spec+"\"\n")); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
	if _, err := Parse("j.yaml", []byte("jobs:\n  min_interval: 1s\n  nightly: \"*/1 * * * * *\"\n")); err != nil {
		t.Errorf("min_interval 1s allows every second: %v", err)
	}
	if _, err := Parse("j.yaml", []byte("jobs:\n  min_interval: 10ms\n")); err == nil {
		t.Error("min_interval below 1s accepted")
	}
	c, err := Parse("n.yaml", []byte("jobs:\n  quarterly: \"0 0 2 31 2 *\"\n"))
	if err != nil {
		t.Fatalf("31 February is a warning, not an error: %v", err)
	}
	ws := c.Warnings()
	if len(ws) != 1 || ws[0].Key != "jobs.quarterly" || ws[0].Line != 2 || !strings.Contains(ws[0].Msg, "never fires") {
		t.Fatalf("warnings = %v", ws)
	}
	if d, _ := Load(""); len(d.Warnings()) != 0 {
		t.Fatalf("defaults warn: %v", d.Warnings())
	}
}
