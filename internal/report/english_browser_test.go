package report_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/xinfang/xinfang/internal/report"
)

var cjkPunctRe = regexp.MustCompile(`[\x{3000}-\x{303F}\x{FF01}-\x{FF65}]`)

// dataValues are the strings of the data a page may show as they are in English mode:
// unit names and ids, categories, source names. Longest first, so that a name containing
// another is removed whole.
func dataValues(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, q := range []string{`SELECT name FROM units`, `SELECT unit_id FROM units`, `SELECT unit_id FROM mart.unknown_units`,
		`SELECT DISTINCT category FROM mart.volume_by_category WHERE category IS NOT NULL`, `SELECT DISTINCT source FROM mart.records`, `SELECT name FROM mart.cfg_campaigns`} {
		rows, err := testDB.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if s != "" {
				out = append(out, s)
			}
		}
		rows.Close()
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// TestBrowserEnglish renders the site in English and reads pages of every type in
// Chromium: apart from data values (unit names, categories), no text shows CJK
// punctuation; and printed (print media), a chart fills the page's width.
func TestBrowserEnglish(t *testing.T) {
	needSetup(t)
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("chromium not found at %s: %v", exe, err)
	}
	cfg := *testCfg
	cfg.Language = "en"
	cfg.ReportsDir = filepath.Join(t.TempDir(), "en")
	if _, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err != nil {
		t.Fatal(err)
	}
	pages := []string{"index.html", "overview.html", "trends.html", "repeat.html", "timeliness.html", "feedback.html",
		"veto.html", "appraisal.html", "targets.html", "quality.html"}
	units, _ := filepath.Glob(filepath.Join(cfg.ReportsDir, "unit", "*.html"))
	sort.Strings(units)
	for i, u := range units {
		if i < 6 {
			pages = append(pages, "unit/"+filepath.Base(u))
		}
	}
	values := dataValues(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(cfg.ReportsDir)))
	defer srv.Close()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1000, 900))
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// Start the browser on ctx itself: started on a page's timeout context, it would
	// close with that context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	texts := map[string]string{}
	for _, p := range pages {
		pctx, pcancel := context.WithTimeout(ctx, 30*time.Second)
		if err := chromedp.Do(pctx, chromedp.Navigate(srv.URL+"/"+p)); err != nil {
			pcancel()
			t.Fatalf("%s: %v", p, err)
		}
		text, err := chromedp.Run(pctx, chromedp.Evaluate[string](`document.body.innerText`))
		pcancel()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, v := range values {
			text = strings.ReplaceAll(text, v, "")
		}
		texts[p] = text
		for _, line := range strings.Split(text, "\n") {
			if cjkPunctRe.MatchString(line) {
				t.Errorf("%s (en): CJK punctuation outside data values: %q", p, line)
			}
		}
	}
	// Grades by their English names (the stored value stays 合格), channels by label.
	for _, g := range []string{"优秀", "良好", "合格"} {
		if strings.Contains(texts["appraisal.html"], g) {
			t.Errorf("appraisal.html (en) shows the grade %s untranslated", g)
		}
	}
	if !regexp.MustCompile(`\b(Excellent|Good|Pass|Fail)\b`).MatchString(texts["appraisal.html"]) {
		t.Error("appraisal.html (en) shows no English grade name")
	}
	if !strings.Contains(texts["overview.html"], "Visit") || regexp.MustCompile(`(?m)^(letter|visit|online)\b`).MatchString(texts["overview.html"]) {
		t.Error("overview.html (en): channels not shown by their labels")
	}
	// Print: a chart drawn on a narrower screen still spans the printed page. The charts
	// are drawn at 1000 px, their resize is then disabled (printing lays out the page
	// without resizing them), and the page is laid out 1400 px wide in print media: the
	// canvas must fill the main column, not keep its screen width.
	pctx, pcancel := context.WithTimeout(ctx, 30*time.Second)
	defer pcancel()
	if err := chromedp.Do(pctx, chromedp.Navigate(srv.URL+"/overview.html"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(() => { document.querySelectorAll("div.chart").forEach(b => { const c = echarts.getInstanceByDom(b); if (c) c.resize = () => {}; }); return true; })()`)(ctx, tg)
			if err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1400, Height: 900, DeviceScaleFactor: 1}); err != nil {
				return err
			}
			_, err = cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		})); err != nil {
		t.Fatal(err)
	}
	widths, err := chromedp.Run(pctx, chromedp.Evaluate[[]float64](`(() => { const m = document.querySelector("main").getBoundingClientRect().width;
		const c = document.querySelector("div.chart canvas").getBoundingClientRect().width; return [m, c]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(widths) != 2 || widths[0] < 1200 || widths[1] < 0.97*widths[0] {
		t.Errorf("printed chart: main and canvas widths %v, want the canvas to fill a main column of about 1400 px", widths)
	}
}
