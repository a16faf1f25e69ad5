package report_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browse starts a headless Chromium on the test site and returns a context for it
// and the site's URL.
func browse(t *testing.T) (context.Context, string) {
	t.Helper()
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("chromium not found at %s (apt-get install chromium fonts-noto-cjk): %v", exe, err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(testReports)))
	t.Cleanup(srv.Close)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, srv.URL
}

// The long overdue table of the timeliness page, from the keyboard: Tab reaches a
// header's sort button, Enter sorts a numeric column descending (aria-sort says so),
// Space reverses it; the table shows 100 rows a page with every row reachable by
// "next" (no cut at 2,000), and the filter narrows the pages.
func TestTablesByKeyboard(t *testing.T) {
	needSetup(t)
	ctx, base := browse(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	type state struct {
		Rows, Shown, Page    int
		PagerHidden          bool
		Sort, Where          string
		Vals                 []float64
		HeadButtons, Headers int
	}
	// The first table with more than one page; its first numeric header is the one
	// sorted. Vals are the sort keys of the shown rows in that column.
	const probe = `(() => {
		const t = Array.from(document.querySelectorAll("table.data")).find(t => t.tBodies[0].rows.length > 100);
		if (!t) return {Rows: 0};
		const ths = Array.from(t.tHead.rows[0].cells);
		const col = ths.findIndex(th => th.classList.contains("num"));
		const shown = Array.from(t.tBodies[0].rows).filter(r => r.style.display !== "none");
		const pager = t.nextElementSibling;
		return {Rows: t.tBodies[0].rows.length, Shown: shown.length, PagerHidden: pager.hidden,
			Sort: col < 0 ? "" : ths[col].getAttribute("aria-sort"), Where: pager.querySelector(".where").textContent,
			Vals: col < 0 ? [] : shown.map(r => parseFloat(r.cells[col].getAttribute("data-sort"))).filter(v => !isNaN(v)),
			HeadButtons: t.tHead.querySelectorAll("th > button.sort").length, Headers: ths.length};
	})()`
	get := func() state {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[state](probe))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/timeliness.html")); err != nil {
		t.Fatal(err)
	}
	s := get()
	if s.Rows <= 100 {
		t.Fatalf("no table of more than 100 rows on timeliness.html (%+v): paging untested", s)
	}
	if s.Shown != 100 || s.PagerHidden || s.HeadButtons != s.Headers || s.Sort != "none" {
		t.Fatalf("before sorting: %+v, want 100 rows shown, a pager, a sort button in every header, aria-sort none", s)
	}
	pages := (s.Rows + 99) / 100
	// Focus the numeric header's button as Tab would reach it, then Enter.
	const sel = `(() => { const t = Array.from(document.querySelectorAll("table.data")).find(t => t.tBodies[0].rows.length > 100);
		const th = Array.from(t.tHead.rows[0].cells).find(th => th.classList.contains("num")); th.querySelector("button").focus();
		return document.activeElement === th.querySelector("button"); })()`
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[bool](sel))
	if err != nil || !focused {
		t.Fatalf("the header button takes no focus (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	s = get()
	if s.Sort != "descending" || len(s.Vals) == 0 {
		t.Fatalf("after Enter on a numeric header: aria-sort %q, %d values", s.Sort, len(s.Vals))
	}
	for i := 1; i < len(s.Vals); i++ {
		if s.Vals[i] > s.Vals[i-1] {
			t.Fatalf("first sort not descending at row %d: %v > %v", i, s.Vals[i], s.Vals[i-1])
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	if s = get(); s.Sort != "ascending" || len(s.Vals) < 2 || s.Vals[0] > s.Vals[len(s.Vals)-1] {
		t.Fatalf("after Space: aria-sort %q, first %v", s.Sort, s.Vals[:1])
	}
	// Every page is reachable; the last holds the remainder.
	const next = `(() => { const t = Array.from(document.querySelectorAll("table.data")).find(t => t.tBodies[0].rows.length > 100);
		const b = t.nextElementSibling.querySelectorAll("button")[1]; const d = b.disabled; b.click(); return d; })()`
	seen := 100
	for i := 1; i < pages; i++ {
		if disabled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](next)); err != nil || disabled {
			t.Fatalf("next disabled on page %d of %d (%v)", i, pages, err)
		}
		seen += get().Shown
	}
	if seen != s.Rows {
		t.Errorf("paging showed %d rows of %d", seen, s.Rows)
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		_ = os.MkdirAll(filepath.Join("..", "..", "test-output"), 0o755)
		_ = os.WriteFile(filepath.Join("..", "..", "test-output", "timeliness_table.png"), shot, 0o644)
	}
	t.Logf("timeliness: %d rows in %d pages, sorted by keyboard", s.Rows, pages)
}

// axe-core (npm, pinned in package-lock.json; .ci/run installs it with npm ci) on a
// few page types: no serious or critical WCAG 2 A/AA violation (contrast, labels,
// names, landmarks).
func TestAxe(t *testing.T) {
	needSetup(t)
	axe, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core missing (run npm ci in the repository root): %v", err)
	}
	ctx, base := browse(t)
	unitPage := ""
	for _, p := range sitePages(t) {
		if strings.HasPrefix(p, "unit/") && !strings.Contains(p, "evil") {
			unitPage = p
			break
		}
	}
	pages := []string{"index.html", "overview.html", "timeliness.html", "appraisal.html", "targets.html", "veto.html", "quality.html", unitPage}
	type node struct {
		Target []string `json:"target"`
		HTML   string   `json:"html"`
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            []node
	}
	for _, p := range pages {
		pctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		if err := chromedp.Do(pctx, chromedp.Navigate(base+"/"+p)); err != nil {
			cancel()
			t.Fatalf("%s: %v", p, err)
		}
		if _, err := chromedp.Run(pctx, chromedp.Evaluate[chromedp.Void](string(axe)+";0")); err != nil {
			cancel()
			t.Fatalf("%s: inject axe: %v", p, err)
		}
		js := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
			.then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
				.map(v => ({ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.slice(0, 3).map(n => ({target: n.target.map(String), html: n.html}))}))))`
		out, err := chromedp.Run(pctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			t.Fatalf("%s: axe.run: %v", p, err)
		}
		if p == "overview.html" {
			// ECharts' aria option labels each chart for screen readers.
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("div.chart")).filter(c => (c.getAttribute("aria-label") || "").length > 0).length`))
			if err != nil || n == 0 {
				t.Errorf("overview.html: %d charts with an aria-label (%v)", n, err)
			}
		}
		var vs []violation
		if err := json.Unmarshal([]byte(out), &vs); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, v := range vs {
			t.Errorf("%s: axe %s (%s): %s — e.g. %+v", p, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}
