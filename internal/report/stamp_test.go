package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/report"
)

// indexDiff lists the pieces of index a missing from b and those of b missing from a
// (each piece a tag and the text after it, whitespace trimmed), as multisets.
func indexDiff(a, b []byte) (gone, added []string) {
	count := map[string]int{}
	for _, l := range strings.Split(string(a), "<") {
		count[strings.TrimSpace(l)]++
	}
	for _, l := range strings.Split(string(b), "<") {
		count[strings.TrimSpace(l)]--
	}
	for l, n := range count {
		for ; n > 0; n-- {
			gone = append(gone, l)
		}
		for ; n < 0; n++ {
			added = append(added, l)
		}
	}
	return gone, added
}

// TestRefreshIndex: after a full render the site's render stamp lets a review rewrite
// index.html alone. With nothing changed the refreshed index is the rendered one byte
// for byte, showing the stamp's generation time (moved here to another minute, so
// that it is decisive); with a new archive it differs by exactly the
// archive list; any change to what the site is drawn from (the unit list, the config,
// the as-of date) or a missing stamp makes RefreshIndex decline, writing nothing, so
// that the caller renders the whole site.
func TestRefreshIndex(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "site")
	opt := report.Options{AsOf: testAsOf, OutDir: out}
	full, err := report.Render(ctx, testDB.DB, testCfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(out, "index.html")
	rendered, _ := os.ReadFile(index)

	// The refreshed index says the site's generation time, not its own: move the
	// stamp's time to another minute, and the index must differ by that time alone.
	stampPath := filepath.Join(out, ".render.json")
	var st map[string]any
	if b, err := os.ReadFile(stampPath); err != nil || json.Unmarshal(b, &st) != nil {
		t.Fatalf("render stamp unreadable: %v", err)
	}
	gen, err := time.Parse(time.RFC3339Nano, st["generated"].(string))
	if err != nil {
		t.Fatal(err)
	}
	moved := time.Date(2020, 1, 2, 3, 4, 0, 0, time.UTC)
	st["generated"] = moved.Format(time.RFC3339Nano)
	b, _ := json.Marshal(st)
	if err := os.WriteFile(stampPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	shown := func(t time.Time) []byte { // as the pages print it, HTML-escaped
		return []byte(strings.ReplaceAll(t.In(testCfg.Location()).Format("2006-01-02 15:04 -07:00"), "+", "&#43;"))
	}
	if !bytes.Contains(rendered, shown(gen)) {
		t.Fatalf("the rendered index does not show its generation time %s", shown(gen))
	}
	pagesBefore := snapshotTree(t, out)

	res, ok, err := report.RefreshIndex(ctx, testDB.DB, testCfg, opt)
	if err != nil || !ok {
		t.Fatalf("refresh right after a render: ok %v, err %v", ok, err)
	}
	if !res.IndexOnly || res.Pages != full.Pages {
		t.Errorf("result %+v, want IndexOnly and the site's %d pages", res, full.Pages)
	}
	got, _ := os.ReadFile(index)
	if !bytes.Contains(got, shown(moved)) {
		t.Errorf("the refreshed index does not show the stamp's generation time %s", shown(moved))
	}
	// 2020 appears nowhere else, so putting the render's time back must give its bytes.
	if got = bytes.ReplaceAll(got, shown(moved), shown(gen)); !bytes.Equal(got, rendered) {
		gone, added := indexDiff(rendered, got)
		t.Errorf("refreshed index differs from the rendered one with nothing changed:\n gone %q\n added %q", gone, added)
	}

	// A new archive: the index gains its link and loses the "no archives yet" line.
	if err := os.MkdirAll(archive.Dir(out, "2025-Q4"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := report.RefreshIndex(ctx, testDB.DB, testCfg, opt); err != nil || !ok {
		t.Fatalf("refresh after an archive: ok %v, err %v", ok, err)
	}
	refreshed, _ := os.ReadFile(index)
	gone, added := indexDiff(rendered, bytes.ReplaceAll(refreshed, shown(moved), shown(gen)))
	if !slices.Equal(gone, []string{`p class="missing">尚无存档`}) {
		t.Errorf("pieces gone from the index: %q, want only the no-archives line", gone)
	}
	slices.Sort(added)
	if want := []string{`/a>`, `a href="archive/2025-Q4/index.html">2025-Q4 季度评议`, `p class="linkline">`}; !slices.Equal(added, want) {
		t.Errorf("pieces added to the index: %q, want %q (the archive's link in its paragraph)", added, want)
	}
	// Every other file of the site is untouched.
	after := snapshotTree(t, out)
	for p, sum := range pagesBefore {
		if p != index && after[p] != sum {
			t.Errorf("%s changed in an index refresh", p)
		}
	}

	declines := func(what string, cfg *config.Config, opt report.Options) {
		t.Helper()
		if _, ok, err := report.RefreshIndex(ctx, testDB.DB, cfg, opt); err != nil || ok {
			t.Errorf("%s: refresh ok %v, err %v; want a decline", what, ok, err)
		}
		if got, _ := os.ReadFile(index); !bytes.Equal(got, refreshed) {
			t.Errorf("%s: the declined refresh wrote the index", what)
		}
	}
	// The unit list changed since the render (a unit renamed): declined.
	var unit, name string
	if err := testDB.QueryRow(`SELECT unit_id, name FROM units ORDER BY unit_id LIMIT 1`).Scan(&unit, &name); err != nil {
		t.Fatal(err)
	}
	if _, err := testDB.Exec(`UPDATE units SET name = name || '（新）' WHERE unit_id = ?`, unit); err != nil {
		t.Fatal(err)
	}
	declines("a unit renamed", testCfg, opt)
	if _, err := testDB.Exec(`UPDATE units SET name = ? WHERE unit_id = ?`, name, unit); err != nil {
		t.Fatal(err)
	}
	// Another config (a new site title), another as-of date, another label: declined.
	cfg := *testCfg
	cfg.Report.Title = "另一个标题"
	declines("another site title", &cfg, opt)
	declines("another as-of date", testCfg, report.Options{AsOf: testAsOf.AddDate(0, 0, -1), OutDir: out})
	declines("another label for the whole", testCfg, report.Options{AsOf: testAsOf, OutDir: out, AllLabel: "某省"})
	// Back to the rendered state, the refresh is allowed again; without a stamp never.
	if _, ok, err := report.RefreshIndex(ctx, testDB.DB, testCfg, opt); err != nil || !ok {
		t.Fatalf("refresh with the unit restored: ok %v, err %v", ok, err)
	}
	if err := os.Remove(filepath.Join(out, ".render.json")); err != nil {
		t.Fatal(err)
	}
	declines("no render stamp", testCfg, opt)
	// No staging folder is left beside the site.
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".site.new-*")); len(left) > 0 {
		t.Errorf("staging left behind: %v", left)
	}
}
