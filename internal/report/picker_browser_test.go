package report_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/report"
)

// pickerPeriod is the period the picker tests choose: complete, inside the test data
// (2022-06 .. 2026-05-20), and not the default (the as-of year 2026).
const pickerPeriod = "2025-Q3"

// waitReady polls until the page has loaded, every chart is drawn and, on a page with a
// period picker, the period wanted (or any, when wanted is "") is in place.
func waitReady(ctx context.Context, t *testing.T, what, wanted string) {
	t.Helper()
	js := fmt.Sprintf(`(() => document.readyState === "complete" &&
		Array.from(document.querySelectorAll("div.chart")).every(b => { const c = b.querySelector("canvas"); return c && c.width > 0; }) &&
		(!document.getElementById("period-pick") || (%q === "" ? document.documentElement.hasAttribute("data-period") : document.documentElement.getAttribute("data-period") === %q)))()`, wanted, wanted)
	for i := 0; i < 200; i++ {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s: not ready (period %q) after 5 s", what, wanted)
}

// choose picks a period in the page's picker as a reader does: focus the <select>,
// set it and fire change (what a keyboard or mouse choice fires).
func choose(ctx context.Context, t *testing.T, what, period string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.getElementById("period-pick");
		if (!s || s.closest(".picker").hidden || !s.labels || s.labels.length === 0) return false;
		s.focus(); s.value = %q; if (s.value !== %q) return false; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, period, period)))
	if err != nil || !ok {
		t.Fatalf("%s: cannot choose %s in a visible, labelled picker (%v)", what, period, err)
	}
	waitReady(ctx, t, what+" "+period, period)
}

func evalString(ctx context.Context, t *testing.T, what, js string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// pct formats a rate (a fraction) as the report does: 95.3%.
func pct(v sql.NullFloat64) string {
	if !v.Valid {
		return "-"
	}
	return strconv.FormatFloat(v.Float64*100, 'f', 1, 64) + "%"
}

// busiestUnit is the known unit with the most records (not the hostile one).
func busiestUnit(t *testing.T) string {
	t.Helper()
	var unit string
	if err := testDB.QueryRow(`SELECT r.unit_id FROM mart.records r JOIN units u USING (unit_id)
		WHERE r.unit_id NOT LIKE '%<%' GROUP BY r.unit_id ORDER BY count(*) DESC, r.unit_id LIMIT 1`).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	return unit
}

// In Chromium, choosing another period in the picker puts that period's mart values in
// the cards and tables: on the overview the quarter card shows mart.volume's ALL count for
// 2025-Q3; on the timeliness page the whole system's row shows mart.timeliness's due
// count and on-time rate for it (from its lazy data file, also opened from file://);
// on a unit page (opened by a link to #period=2025-Q3) the quarter card shows the unit's
// own count. The partial as-of month is labelled partial, choosing the default year
// again gives back the page as drawn, and no hostile name runs.
func TestPeriodPicker(t *testing.T) {
	needSetup(t)
	ctx, base := browse(t)
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	card := func(pk, part string) string {
		return evalString(ctx, t, pk, fmt.Sprintf(`(() => { const c = document.querySelector('.card[data-pk="%s"] .%s'); return c ? c.textContent : "(none)"; })()`, pk, part))
	}

	// Overview: the quarter card.
	var all int64
	if err := testDB.QueryRow(`SELECT petitions FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period = ?`, pickerPeriod).Scan(&all); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/overview.html")); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, "overview", "2026")
	before := evalString(ctx, t, "overview", `document.querySelector("main").innerText`)
	choose(ctx, t, "overview", pickerPeriod)
	if got := card("kpi-1", "value"); got != commas(all) {
		t.Errorf("overview %s: quarter card %q, mart.volume ALL %d", pickerPeriod, got, all)
	}
	if got := card("kpi-1", "label"); !strings.Contains(got, pickerPeriod) {
		t.Errorf("overview %s: quarter card labelled %q", pickerPeriod, got)
	}
	if n := evalString(ctx, t, "overview", `String(document.querySelectorAll(".card.chosen").length)`); n != "1" {
		t.Errorf("overview %s: %s cards outlined as the chosen period, want 1", pickerPeriod, n)
	}
	if h := evalString(ctx, t, "overview", `location.hash`); h != "#period="+pickerPeriod {
		t.Errorf("overview: the URL says %q after the choice, want #period=%s", h, pickerPeriod)
	}
	// The partial as-of month is labelled so, in the picker and on its card.
	choose(ctx, t, "overview", "2026-05")
	if opt := evalString(ctx, t, "overview", `document.querySelector('#period-pick option[value="2026-05"]').textContent`); !strings.Contains(opt, "不完整") {
		t.Errorf("the partial month's option reads %q, not partial", opt)
	}
	if sub := card("kpi-0", "sub"); !strings.Contains(sub, "截至统计日") {
		t.Errorf("the partial month's card sub %q lacks the partial label", sub)
	}
	choose(ctx, t, "overview", "2026")
	if after := evalString(ctx, t, "overview", `document.querySelector("main").innerText`); after != before {
		t.Errorf("overview: choosing the default year again does not give back the page as drawn")
	}
	// From the keyboard: on the focused picker (the default year, newest first), the down
	// arrow chooses the year before, whose card then reads mart.volume's count for it.
	var prevYear int64
	if err := testDB.QueryRow(`SELECT petitions FROM mart.volume WHERE unit_id = 'ALL' AND rollup AND period = '2025'`).Scan(&prevYear); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.getElementById("period-pick").focus(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, "overview by keyboard", "2025")
	if got := card("kpi-2", "value"); got != commas(prevYear) {
		t.Errorf("overview 2025 (keyboard): year card %q, mart.volume ALL %d", got, prevYear)
	}

	// Timeliness: the whole system's row of the unit table, from the lazy data file.
	var due int64
	var rate sql.NullFloat64
	if err := testDB.QueryRow(`SELECT due, on_time_rate FROM mart.timeliness WHERE unit_id = 'ALL' AND rollup AND period = ?`, pickerPeriod).Scan(&due, &rate); err != nil {
		t.Fatal(err)
	}
	const allRow = `(() => { const t = document.querySelector('table[data-pk="t-timeliness"]'); const r = t.tBodies[0].rows[0];
		return [r.cells[0].textContent, r.cells[1].textContent, r.cells[5].textContent, t.closest("section").querySelector("h2").textContent].join("|"); })()`
	check := func(what string) {
		t.Helper()
		got := strings.Split(evalString(ctx, t, what, allRow), "|")
		if got[0] != "全系统" || got[1] != commas(due) || got[2] != pct(rate) || !strings.Contains(got[3], pickerPeriod) {
			t.Errorf("%s %s: whole-system row %v, mart.timeliness due %d on-time %s", what, pickerPeriod, got, due, pct(rate))
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/timeliness.html")); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, "timeliness", "2026")
	choose(ctx, t, "timeliness", pickerPeriod)
	check("timeliness.html")
	abs, err := filepath.Abs(filepath.Join(testReports, "timeliness.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.ToSlash(abs)+"#period="+pickerPeriod)); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, "timeliness from file://", pickerPeriod)
	check("timeliness.html from file://")

	// A unit page, by a link to the period.
	unit := busiestUnit(t)
	var own int64
	if err := testDB.QueryRow(`SELECT petitions FROM mart.volume WHERE unit_id = ? AND NOT rollup AND period = ?`, unit, pickerPeriod).Scan(&own); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"+unitPage(t, unit)+"#period="+pickerPeriod)); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, "unit page", pickerPeriod)
	if got := card("kpi-1", "value"); got != commas(own) {
		t.Errorf("unit %s %s: quarter card %q, mart.volume own %d", unit, pickerPeriod, got, own)
	}
	if v := evalString(ctx, t, "unit page", `document.getElementById("period-pick").value`); v != pickerPeriod {
		t.Errorf("unit page opened at #period=%s: the picker shows %q", pickerPeriod, v)
	}

	// The repeat page's rows include every hostile unit name; switching runs none of them.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/repeat.html")); err != nil {
		t.Fatal(err)
	}
	waitReady(ctx, t, "repeat", "2026")
	choose(ctx, t, "repeat", "2024")
	if p := evalString(ctx, t, "repeat", `String(window.__pwned)`); p != "undefined" {
		t.Error("repeat.html: a hostile name ran after a period change")
	}
}

// screenshotPages are the page types of the screenshot matrix: name -> path in the site.
func screenshotPages(t *testing.T, dir string) [][2]string {
	t.Helper()
	out := [][2]string{{"index", "index.html"}, {"overview", "overview.html"}, {"trends", "trends.html"}, {"repeat", "repeat.html"},
		{"timeliness", "timeliness.html"}, {"feedback", "feedback.html"}, {"veto", "veto.html"}, {"appraisal", "appraisal.html"},
		{"targets", "targets.html"}, {"quality", "quality.html"}, {"alerts", "alerts.html"}}
	camps, _ := filepath.Glob(filepath.Join(dir, "campaign-*.html"))
	sort.Strings(camps)
	if len(camps) > 0 {
		out = append(out, [2]string{"campaign", filepath.Base(camps[0])})
	}
	out = append(out, [2]string{"unit", unitPage(t, busiestUnit(t))})
	return append(out, [2]string{"review", "archive/2026-Q1/index.html"})
}

// TestScreenshotMatrix writes a screenshot of each page type, in Chinese and English, at
// 1366 and 390 px wide, into test-output/screens/<page>_<lang>_<width>.png (the first
// screen of each page), plus the overview with a chosen period. One browser and one tab
// for all of them. The English site and its 2026-Q1 review are rendered from the same
// database.
func TestScreenshotMatrix(t *testing.T) {
	needSetup(t)
	cfg := *testCfg
	cfg.Language = "en"
	cfg.ReportsDir = filepath.Join(t.TempDir(), "en")
	if _, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err != nil {
		t.Fatal(err)
	}
	// The English quarterly review, built in its own database file as the Chinese one.
	if _, err := orchestrate.Review(context.Background(), testDB, &cfg, orchestrate.ReviewOptions{Quarter: "2026-Q1", AsOf: testAsOf}); err != nil {
		t.Fatal(err)
	}
	en := httptest.NewServer(http.FileServer(http.Dir(cfg.ReportsDir)))
	defer en.Close()
	ctx, zh := browse(t)
	ctx, cancel := context.WithTimeout(ctx, 180*time.Second)
	defer cancel()
	out := filepath.Join("..", "..", "test-output", "screens")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := 0
	shoot := func(name string) {
		t.Helper()
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("%s: screenshot: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	for _, w := range []struct {
		width, height int64
		mobile        bool
	}{{1366, 1000, false}, {390, 1400, true}} {
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w.width, Height: w.height, DeviceScaleFactor: 1, Mobile: w.mobile})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		for _, site := range []struct{ lang, base, dir string }{{"zh", zh, testReports}, {"en", en.URL, cfg.ReportsDir}} {
			for _, pg := range screenshotPages(t, site.dir) {
				what := site.lang + " " + pg[1]
				if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/"+pg[1])); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				waitReady(ctx, t, what, "")
				name := fmt.Sprintf("%s_%s_%d", pg[0], site.lang, w.width)
				shoot(name)
				if pg[0] == "overview" && w.width == 1366 {
					choose(ctx, t, what, pickerPeriod)
					shoot(name + "_" + pickerPeriod)
				}
			}
		}
	}
	t.Logf("%d screenshots in %s (test-output/screens)", n, time.Since(start).Round(time.Millisecond))
}

// The picker's data files are inert script: one call of xinfangPeriods (data/<page>.js,
// the small views of every period) or xinfangPeriod (data/<page>-<period>.js) with JSON in
// which no data string can close a tag or become a function (the safeJSON rules of the chart
// blocks), and no NaN or Infinity (JSON has none: a chart gets "-" for them). Every page
// with a picker has its file, and every period of mart.volume a file for each page with
// large views.
func TestPeriodDataFiles(t *testing.T) {
	needSetup(t)
	var periods, units int
	if err := testDB.QueryRow(`SELECT count(*) FROM mart.volume WHERE unit_id = 'ALL' AND rollup`).Scan(&periods); err != nil {
		t.Fatal(err)
	}
	if err := testDB.QueryRow(`SELECT count(*) FROM units`).Scan(&units); err != nil {
		t.Fatal(err)
	}
	inert := func(f, call string) {
		t.Helper()
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if !strings.HasPrefix(s, call+"({") || !strings.HasSuffix(s, "});\n") || strings.Count(s, "xinfangPeriod") != 1 {
			t.Errorf("%s: not one %s({...}) call", f, call)
		}
		if strings.ContainsAny(s, "<>") || strings.Contains(s, "__f__") || strings.Contains(s, "NaN") || strings.Contains(s, "Infinity") {
			t.Errorf("%s: raw <, >, __f__, NaN or Infinity in the data", f)
		}
	}
	for _, pg := range []string{"overview", "trends", "repeat", "timeliness", "feedback"} {
		inert(filepath.Join(testReports, "data", pg+".js"), "xinfangPeriods")
		files, _ := filepath.Glob(filepath.Join(testReports, "data", pg+"-*.js"))
		if len(files) != periods {
			t.Errorf("%s: %d period data files, mart.volume has %d periods", pg, len(files), periods)
		}
		for _, f := range files {
			inert(f, "xinfangPeriod")
		}
	}
	files, _ := filepath.Glob(filepath.Join(testReports, "data", "unit", "*.js"))
	if len(files) != units {
		t.Errorf("%d unit period files for %d units", len(files), units)
	}
	for _, f := range files {
		inert(f, "xinfangPeriods")
	}
}
