package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The bar's unit comes from the reader: a 9 MiB CSV is drawn in bytes, while the
// same file's row count (about 150k rows) would also pass the row threshold.
func TestProgressBarAsksReader(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.csv")
	var b strings.Builder
	b.WriteString("a,b\n")
	for b.Len() < 9<<20 {
		b.WriteString("0123456789012345678901234567890,x\n")
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	rr, err := openDelimited(p, "utf-8", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Close()
	if !rr.ProgressInBytes() {
		t.Fatal("delimited reader should count bytes")
	}
	var out bytes.Buffer
	in := &ingester{opt: IngestOptions{Progress: &out}}
	bar := in.progressBar(rr, "big.csv")
	if bar == nil {
		t.Fatal("no bar for a 9 MiB file")
	}
	_ = bar.Set64(9 << 20)
	_ = bar.Finish()
	// Bytes show a rate in B/s (here GB/s); rows would show it/s.
	if o := out.String(); !strings.Contains(o, "B/s") || strings.Contains(o, "it/s") {
		t.Errorf("bar not drawn in bytes: %q", out.String())
	}

	// A small file gets no bar.
	small := filepath.Join(dir, "small.csv")
	if err := os.WriteFile(small, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sr, err := openDelimited(small, "utf-8", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if in.progressBar(sr, "small.csv") != nil {
		t.Error("bar for a small file")
	}
}
