package cmd

import (
	"archive/zip"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/store"
)

// TestBriefCommand runs `xinfang brief` on the five-record fixture (2024-Q1, no
// earlier data, so every base is 0, below min_n): the brief is written where the
// README says, states the counts rather than percentages, is not overwritten without
// --force, and the live marts are untouched (the brief is drawn from the quarterly
// review's own build, archived beside it).
func TestBriefCommand(t *testing.T) {
	cfgPath, dbPath := exportFixture(t)
	out := t.TempDir()
	if o, err := runCmd(t, "compute", "--config", cfgPath, "--as-of", "2024-04-10"); err != nil {
		t.Fatalf("compute: %v\n%s", err, o)
	}
	o, err := runCmd(t, "brief", "--config", cfgPath, "--as-of", "2024-04-10", "--quarter", "2024-Q1", "--out", out)
	if err != nil {
		t.Fatalf("brief: %v\n%s", err, o)
	}
	path := filepath.Join(out, "archive", "2024-Q1", "通报-2024-Q1.docx")
	if !strings.Contains(o, path) {
		t.Errorf("output does not name %s:\n%s", path, o)
	}
	doc := docxText(t, path)
	// 5 petitions in 2024-Q1 (unknown unit Z counts in ALL); 2023-Q1 and 2023-Q4 hold none.
	for _, want := range []string{"共登记信访5件次、5人次", "同比增加5件次（上年同期0件次，基数较小，不计变化率）", "环比增加5件次（上季度0件次，基数较小，不计变化率）"} {
		if !strings.Contains(doc, want) {
			t.Errorf("brief lacks %q", want)
		}
	}

	if _, err := runCmd(t, "brief", "--config", cfgPath, "--as-of", "2024-04-10", "--quarter", "2024-Q1", "--out", out); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second brief without --force: %v, want already exists", err)
	}
	if _, err := runCmd(t, "brief", "--config", cfgPath, "--as-of", "2024-04-10", "--quarter", "2024-Q1", "--out", out, "--force"); err != nil {
		t.Fatalf("brief --force: %v", err)
	}
	if _, err := runCmd(t, "brief", "--config", cfgPath, "--as-of", "2024-04-10", "--quarter", "2024-Q2", "--out", out); err == nil || !strings.Contains(err.Error(), "is not over yet") {
		t.Fatalf("brief of an unfinished quarter: %v", err)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var asOf time.Time
	if err := db.QueryRowContext(ctx, `SELECT max(as_of) FROM mart.trend`).Scan(&asOf); err != nil {
		t.Fatal(err)
	}
	if asOf.Format("2006-01-02") != "2024-04-10" {
		t.Fatalf("live marts now as of %s, want them untouched at 2024-04-10", asOf.Format("2006-01-02"))
	}
}

// docxText is the text of word/document.xml with the markup removed.
func docxText(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	r, err := z.Open("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	in := false
	for _, c := range string(b) {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case !in:
			sb.WriteRune(c)
		}
	}
	return sb.String()
}
