package cmd

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateCommand runs `xinfang generate` end to end and checks the files
// it reports: the record count, the data ending on --as-of, and reruns being
// byte-identical.
func TestGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	run := func(out string) string {
		var buf bytes.Buffer
		root := newRootCommand()
		root.SetOut(&buf)
		root.SetArgs([]string{"generate", "--records", "2500", "--seed", "7", "--years", "3", "--as-of", "2025-06-30", "--out", out})
		if err := root.Execute(); err != nil {
			t.Fatalf("generate: %v", err)
		}
		return buf.String()
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	msg := run(a)
	run(b)
	if !strings.Contains(msg, "2500 records") || !strings.Contains(msg, "units.csv") || !strings.Contains(msg, "took") {
		t.Errorf("output does not say what was written: %q", msg)
	}
	for _, name := range []string{"petitions.csv", "units.csv"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between identical runs", name)
		}
	}
	f, _ := os.Open(filepath.Join(a, "petitions.csv"))
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2501 {
		t.Fatalf("%d rows, want header + 2500", len(rows))
	}
	first, last := rows[1][1], rows[len(rows)-1][1]
	if first < "2022-07-01" || last[:10] > "2025-06-30" {
		t.Errorf("received_at from %s to %s: want 2022-07-01 … 2025-06-30", first, last)
	}
}
