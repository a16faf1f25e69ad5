package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

// Hostile strings planted in the unit table and the data: each must show as text
// and run nothing. Several set window.__pwned, which the browser test reads.
var hostile = []string{
	`</script><script>alert(1);window.__pwned=1</script>`,
	`__f__alert(1)__f__`,
	`<img src=x onerror="alert(1);window.__pwned=1">`,
	`__f__function(){window.__pwned=1}__f__`,
}

const hostileUnitID = `../<i>evil</i>"'&`

var (
	testDB      *store.DB
	testCfg     *config.Config
	testReports string
	testAsOf    = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	renderTook  time.Duration
	setupErr    error
)

// TestMain builds one database with the real pipeline on a small synthetic source
// (ingest → marts), plants hostile unit names, ids and categories, rebuilds the
// marts, and renders the site and the 2026-Q1 quarterly review once for all tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xinfang-charts-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	setupErr = setup(dir)
	code := m.Run()
	if testDB != nil {
		testDB.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func setup(dir string) error {
	ctx := context.Background()
	cfg := config.Default()
	cfg.AsOf = testAsOf.Format("2006-01-02")
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.ReportsDir = filepath.Join(dir, "reports")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources[0].Synthetic.Records = 20000
	cfg.Sources[0].Synthetic.Years = 4
	testCfg = cfg
	db, err := store.Open(ctx, cfg.Database, store.Options{TimeZone: cfg.TimeZone, Purpose: "charts test"})
	if err != nil {
		return err
	}
	testDB = db
	if _, err := orchestrate.Run(ctx, db, cfg, orchestrate.Options{SkipReport: true}); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	// Keep the ministry and one province's subtree (a few dozen units) so that the
	// browser test can load every page; the other units' records stay in the data
	// as unknown units, which the data-quality page must then list.
	if _, err := db.ExecContext(ctx, `DELETE FROM units WHERE unit_id NOT IN (
		WITH RECURSIVE keep(unit_id) AS (
			SELECT unit_id FROM (SELECT unit_id FROM units WHERE level = 'province' ORDER BY unit_id LIMIT 1)
			UNION SELECT u.unit_id FROM units u JOIN keep k ON u.parent_id = k.unit_id)
		SELECT unit_id FROM keep UNION SELECT unit_id FROM units WHERE parent_id IS NULL OR parent_id = '')`); err != nil {
		return fmt.Errorf("trim units: %w", err)
	}
	// Three campaigns (SPEC §9) over the kept province: one in 2026-Q1 (the review's quarter:
	// listed there, ended by as_of so it has an after window), one that ended before that
	// quarter (not on the review), one still running over every unit.
	var province string
	if err := db.QueryRowContext(ctx, `SELECT unit_id FROM units WHERE level = 'province' ORDER BY unit_id LIMIT 1`).Scan(&province); err != nil {
		return fmt.Errorf("province: %w", err)
	}
	cfg.Campaigns = []config.Campaign{
		{ID: "drive-q1", Name: "联合接访（测试）", Start: "2026-01-01", End: "2026-03-31", Units: config.CampaignUnits{province}},
		{ID: "autumn", Name: "秋季集中化解", Start: "2025-10-01", End: "2025-11-30", Units: config.CampaignUnits{province}},
		{ID: "all-may", Name: "全系统五月行动", Start: "2026-05-01", End: "2026-06-30", Units: config.CampaignUnits{"*"}},
	}
	// A surge of collective visits at one kept unit in the alert week (Mon 2026-05-11 ..
	// Sun 05-17), so that the alert page has red alerts with their series.
	if _, err := db.ExecContext(ctx, `UPDATE petitions SET channel = 'visit', headcount = 9,
		unit_id = (SELECT unit_id FROM units WHERE level = 'county' ORDER BY unit_id LIMIT 1 OFFSET 1)
		WHERE petition_id IN (SELECT petition_id FROM petitions WHERE received_date BETWEEN DATE '2026-05-11' AND DATE '2026-05-17'
		                      ORDER BY petition_id LIMIT 12)`); err != nil {
		return fmt.Errorf("plant surge: %w", err)
	}
	plant := []string{
		`UPDATE units SET name = ? WHERE unit_id = (SELECT unit_id FROM units WHERE level = 'facility' ORDER BY unit_id LIMIT 1 OFFSET 0)`,
		`UPDATE units SET name = ? WHERE unit_id = (SELECT unit_id FROM units WHERE level = 'facility' ORDER BY unit_id LIMIT 1 OFFSET 1)`,
		`UPDATE units SET name = ? WHERE unit_id = (SELECT unit_id FROM units WHERE level = 'county' ORDER BY unit_id LIMIT 1)`,
		`UPDATE units SET name = ? WHERE unit_id = (SELECT unit_id FROM units WHERE level = 'city' ORDER BY unit_id LIMIT 1)`,
	}
	for i, q := range plant {
		if _, err := db.ExecContext(ctx, q, hostile[i]); err != nil {
			return fmt.Errorf("plant: %w", err)
		}
	}
	// A unit whose id is hostile too, with records moved to it, and hostile categories.
	if _, err := db.ExecContext(ctx, `INSERT INTO units (unit_id, name, parent_id, level, sector) SELECT ?, ?, unit_id, 'facility', 'prison' FROM units WHERE parent_id IS NULL OR parent_id = '' LIMIT 1`, hostileUnitID, hostile[2]); err != nil {
		return fmt.Errorf("plant unit: %w", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE petitions SET unit_id = ? WHERE petition_id IN (SELECT petition_id FROM petitions ORDER BY petition_id LIMIT 300)`, hostileUnitID); err != nil {
		return fmt.Errorf("plant records: %w", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE petitions SET category = CASE WHEN hash(petition_id) % 2 = 0 THEN ? ELSE ? END WHERE hash(petition_id) % 7 = 0`, hostile[0], hostile[3]); err != nil {
		return fmt.Errorf("plant categories: %w", err)
	}
	if _, err := queries.Build(ctx, db.DB, cfg, testAsOf); err != nil {
		return fmt.Errorf("rebuild marts: %w", err)
	}
	testReports = cfg.ReportsDir
	// The review first, so that the live site rendered after it links the archive.
	rv, err := orchestrate.Review(ctx, db, cfg, orchestrate.ReviewOptions{Quarter: "2026-Q1", AsOf: testAsOf})
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	res, err := report.Render(ctx, db.DB, cfg, report.Options{AsOf: testAsOf})
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	renderTook = res.Duration
	fmt.Fprintf(os.Stderr, "charts test: rendered the 2026-Q1 review (%d pages) in %s, the live site (%d pages) in %s\n",
		rv.Pages, rv.Duration.Round(time.Millisecond), res.Pages, res.Duration.Round(time.Millisecond))
	return nil
}

func needSetup(t *testing.T) {
	t.Helper()
	if setupErr != nil {
		t.Fatalf("test database and report: %v", setupErr)
	}
}

// sitePages lists every HTML file of the rendered report, archive included.
func sitePages(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(testReports, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".html") {
			r, _ := filepath.Rel(testReports, p)
			out = append(out, filepath.ToSlash(r))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestSiteHasEveryPage(t *testing.T) {
	needSetup(t)
	for _, p := range []string{"index.html", "overview.html", "trends.html", "repeat.html", "timeliness.html", "feedback.html",
		"veto.html", "appraisal.html", "targets.html", "quality.html", "appraisal.xlsx", "assets/echarts.min.js", "assets/app.js",
		"archive/2026-Q1/index.html", "archive/2026-Q1/appraisal.html", "archive/2026-Q1/assets/echarts.min.js",
		"alerts.html", "archive/2026-Q1/alerts.html"} {
		if _, err := os.Stat(filepath.Join(testReports, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	var units int
	if err := testDB.QueryRow(`SELECT count(*) FROM units`).Scan(&units); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(testReports, "unit", "*.html"))
	if len(files) != units {
		t.Errorf("unit pages: got %d, want one per unit (%d)", len(files), units)
	}
	// The hostile id's page stays inside unit/ with a safe name.
	for _, f := range files {
		if strings.ContainsAny(filepath.Base(f), `<>"'&`) {
			t.Errorf("unsafe unit file name %q", f)
		}
	}
	// How long it takes is measured by BenchmarkRender, not asserted here.
	t.Logf("render of site + quarterly review: %s", renderTook)
}

var jsonBlock = regexp.MustCompile(`(?s)<script type="application/json"[^>]*>(.*?)</script>`)

// TestHostileStringsEscaped checks the HTML itself: no hostile string appears raw
// where a browser would parse it as markup or script, and no chart JSON carries
// go-echarts' __f__ function marker.
func TestHostileStringsEscaped(t *testing.T) {
	needSetup(t)
	sawName := false
	for _, p := range sitePages(t) {
		b, err := os.ReadFile(filepath.Join(testReports, p))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, bad := range []string{"<script>alert", `<img src=x`, "<i>evil</i>"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s: raw %q in the page", p, bad)
			}
		}
		if strings.Contains(s, "&lt;/script&gt;&lt;script&gt;alert(1)") {
			sawName = true
		}
		for _, m := range jsonBlock.FindAllStringSubmatch(s, -1) {
			if strings.Contains(m[1], "__f__") || strings.ContainsAny(m[1], "<>") {
				t.Errorf("%s: chart JSON not neutralised: %.120s", p, m[1])
			}
		}
		if n := strings.Count(s, "<script"); n != strings.Count(s, `<script type="application/json"`)+2 {
			t.Errorf("%s: %d script elements, want only the two asset scripts plus chart data", p, n)
		}
	}
	if !sawName {
		t.Error("the hostile unit name was not shown (escaped) anywhere")
	}
}

func TestAssetsAreLocal(t *testing.T) {
	needSetup(t)
	remote := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`)
	for _, p := range sitePages(t) {
		b, _ := os.ReadFile(filepath.Join(testReports, p))
		if m := remote.Find(b); m != nil {
			t.Errorf("%s references a remote asset: %s", p, m)
		}
	}
}

func TestQuarterlyArchive(t *testing.T) {
	needSetup(t)
	ctx := context.Background()
	if !orchestrate.QuarterArchived(testCfg, "2026-Q1") {
		t.Fatal("2026-Q1 not reported as archived")
	}
	if orchestrate.QuarterArchived(testCfg, "2025-Q4") {
		t.Fatal("2025-Q4 reported as archived")
	}
	idx := filepath.Join(testReports, "archive", "2026-Q1", "index.html")
	before, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026-03-31", "季度评议", "表彰先进候选", "督导优先", "一票否决"} {
		if !bytes.Contains(before, []byte(want)) {
			t.Errorf("review index lacks %q", want)
		}
	}
	// The review's marts were built in a database of their own: the live marts
	// stayed as of the live date, and the archive keeps their Parquet snapshot, which
	// reads back as of the quarter's end.
	var asOf time.Time
	if err := testDB.QueryRow(`SELECT max(as_of) FROM mart.trend`).Scan(&asOf); err != nil {
		t.Fatal(err)
	}
	if !asOf.Equal(testAsOf) {
		t.Errorf("marts as of %s after the review, want %s", asOf, testAsOf)
	}
	snap := filepath.Join(testReports, "archive", "2026-Q1", "marts")
	var snapAsOf time.Time
	if err := testDB.QueryRow(`SELECT max(as_of) FROM read_parquet('` + filepath.Join(snap, "trend.parquet") + `')`).Scan(&snapAsOf); err != nil {
		t.Fatalf("read the review's Parquet snapshot: %v", err)
	}
	if got := snapAsOf.Format("2006-01-02"); got != "2026-03-31" {
		t.Errorf("snapshot trend as of %s, want 2026-03-31", got)
	}
	for _, m := range []string{"appraisal", "volume", "cfg_indicators", "build_info"} {
		if _, err := os.Stat(filepath.Join(snap, m+".parquet")); err != nil {
			t.Errorf("snapshot lacks mart.%s: %v", m, err)
		}
	}
	// Never overwritten.
	_, err = orchestrate.Review(ctx, testDB, testCfg, orchestrate.ReviewOptions{AsOf: testAsOf, Quarter: "2026-Q1"})
	if !errors.Is(err, archive.ErrArchived) {
		t.Fatalf("second archive of 2026-Q1: got %v, want ErrArchived", err)
	}
	after, _ := os.ReadFile(idx)
	if !bytes.Equal(before, after) {
		t.Error("archived review changed")
	}
	// A quarter that is not over is refused.
	if _, err := orchestrate.Review(ctx, testDB, testCfg, orchestrate.ReviewOptions{AsOf: testAsOf, Quarter: "2026-Q2"}); err == nil || !strings.Contains(err.Error(), "not over") {
		t.Errorf("2026-Q2 before its end: got %v", err)
	}
	// The live site lists the archive and keeps it across a republish.
	live, _ := os.ReadFile(filepath.Join(testReports, "index.html"))
	if !bytes.Contains(live, []byte(`href="archive/2026-Q1/index.html"`)) {
		t.Error("live index does not link the archive")
	}
}

// TestPublishIsAtomic: a build that fails midway — while writing its files, on a
// file system with room for the old site and only half of a new one — leaves the
// last good site byte for byte; a good build replaces it and keeps the archives.
// The site lives on a small tmpfs (root only).
func TestPublishIsAtomic(t *testing.T) {
	needSetup(t)
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run this as root: it mounts a small tmpfs")
		}
		t.Skip("needs root to mount a small tmpfs")
	}
	out := filepath.Join(t.TempDir(), "fs")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	mount := func(args ...string) {
		t.Helper()
		if b, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
			t.Fatalf("mount %v: %v %s", args, err, b)
		}
	}
	mount("-t", "tmpfs", "-o", "size=512m", "tmpfs", out)
	t.Cleanup(func() { _ = exec.Command("umount", "-l", out).Run() })
	used := func() int64 {
		var st syscall.Statfs_t
		if err := syscall.Statfs(out, &st); err != nil {
			t.Fatal(err)
		}
		return int64(st.Blocks-st.Bfree) * st.Bsize
	}
	cfg := *testCfg
	cfg.ReportsDir = filepath.Join(out, "site")
	if _, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(cfg.ReportsDir, "archive", "2025-Q4"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.ReportsDir, "archive", "2025-Q4", "index.html"), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshotTree(t, cfg.ReportsDir)
	// Room for the old site and half a new one.
	site := used()
	mount("-o", fmt.Sprintf("remount,size=%d", site+site/2), out)
	_, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("render on a full file system: %v, want a no-space failure while writing", err)
	}
	if after := snapshotTree(t, cfg.ReportsDir); !maps.Equal(before, after) {
		t.Errorf("a build that failed midway changed the published site (%d files before, %d after)", len(before), len(after))
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("temporary folders left beside the site after the failed build: %v", entries)
	}
	// A cancelled build fails too and changes nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := report.Render(ctx, testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err == nil {
		t.Fatal("render with a cancelled context succeeded")
	}
	mount("-o", "remount,size=512m", out)
	cfg.Language = "en"
	if _, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(cfg.ReportsDir, "archive", "2025-Q4", "index.html"))
	if string(b) != "kept" {
		t.Error("archive lost across a republish")
	}
	en, _ := os.ReadFile(filepath.Join(cfg.ReportsDir, "overview.html"))
	if !bytes.Contains(en, []byte("Petition volume")) || bytes.Contains(en, []byte("信访总量")) || !bytes.Contains(en, []byte(`lang="en"`)) {
		t.Error("language: en did not switch the labels")
	}
	entries, _ = os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("temporary folders left beside the site: %v", entries)
	}
}

// snapshotTree maps every regular file under dir to its content.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		m[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEChartsMatchesNPM: the committed ECharts is the npm package's file, so the
// lock file's pin rules. Skipped without node_modules (run `npm ci` first).
func TestEChartsMatchesNPM(t *testing.T) {
	npm := filepath.Join("..", "..", "node_modules", "echarts", "dist", "echarts.min.js")
	want, err := os.ReadFile(npm)
	if os.IsNotExist(err) {
		t.Skip("node_modules/echarts not installed (npm ci)")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("assets", "echarts.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/report/assets/echarts.min.js differs from node_modules/echarts/dist/echarts.min.js: copy it after changing the pin")
	}
	pkg, _ := os.ReadFile(filepath.Join("..", "..", "package.json"))
	if !regexp.MustCompile(`"echarts":\s*"5\.\d+\.\d+"`).Match(pkg) {
		t.Error(`package.json must pin echarts to an exact 5.x version`)
	}
}

// TestBrowser loads every page of the site in headless Chromium from a local
// server: no console errors or exceptions, every chart drawn on a canvas, no
// request outside the report folder, no dialog, and window.__pwned never set.
func TestBrowser(t *testing.T) {
	needSetup(t)
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("chromium not found at %s (apt-get install chromium fonts-noto-cjk): %v", exe, err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(testReports)))
	defer srv.Close()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	current := ""
	report := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, current+": "+fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	allowed := func(u string) bool {
		return strings.HasPrefix(u, srv.URL+"/") || strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:")
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if !allowed(e.Request.URL) {
				report("request outside the report: %s", e.Request.URL)
			}
		case *cdpruntime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			report("exception: %s at %s:%d", msg, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber)
		case *cdpruntime.EventConsoleAPICalled:
			if e.Type == cdpruntime.ConsoleAPICalledTypeError || e.Type == cdpruntime.ConsoleAPICalledTypeAssert {
				report("console %s", e.Type)
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				report("log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			report("dialog opened: %s", e.Message)
			go chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
				return err
			}))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	pages := sitePages(t)
	type check struct {
		Charts, Drawn int
		Pwned         bool
		Ready         bool
		NotComputed   bool
	}
	const probe = `(() => {
		const boxes = Array.from(document.querySelectorAll("div.chart"));
		const drawn = boxes.filter(b => { const c = b.querySelector("canvas"); return c && c.width > 0 && c.height > 0; }).length;
		return {Charts: boxes.length, Drawn: drawn, Pwned: window.__pwned !== undefined, Ready: document.readyState === "complete",
			NotComputed: /尚未计算|not computed/.test(document.body.innerText)};
	})()`
	start := time.Now()
	totalCharts := 0
	outDir := filepath.Join("..", "..", "test-output")
	_ = os.MkdirAll(outDir, 0o755)
	hostileUnitPage := ""
	for _, p := range pages {
		if strings.HasPrefix(p, "unit/") && strings.Contains(p, "i_evil_i-") {
			hostileUnitPage = p
		}
	}
	for _, p := range pages {
		mu.Lock()
		current = p
		mu.Unlock()
		pctx, pcancel := context.WithTimeout(ctx, 30*time.Second)
		if err := chromedp.Do(pctx, chromedp.Navigate(srv.URL+"/"+p)); err != nil {
			pcancel()
			t.Errorf("%s: navigate: %v", p, err)
			continue
		}
		var c check
		for i := 0; i < 50; i++ {
			v, err := chromedp.Run(pctx, chromedp.Evaluate[check](probe))
			if err != nil {
				t.Errorf("%s: probe: %v", p, err)
				break
			}
			c = v
			if c.Ready && c.Drawn == c.Charts {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if c.Drawn != c.Charts {
			t.Errorf("%s: %d of %d charts drawn on a canvas", p, c.Drawn, c.Charts)
		}
		if c.NotComputed {
			t.Errorf("%s: a section reads \"not computed\" in the browser", p)
		}
		// Pages that show charts must have some: 0 of 0 drawn proves nothing.
		if (p == "overview.html" || p == "trends.html" || p == hostileUnitPage) && c.Charts == 0 {
			t.Errorf("%s: no chart boxes on a page that shows charts", p)
		}
		totalCharts += c.Charts
		if c.Pwned {
			t.Errorf("%s: injected script ran (window.__pwned set)", p)
		}
		if p == "overview.html" || p == hostileUnitPage || p == "archive/2026-Q1/index.html" || p == "alerts.html" || strings.HasPrefix(p, "campaign-") {
			shot, err := chromedp.Run(pctx, chromedp.FullScreenshot(100))
			if err == nil {
				name := strings.NewReplacer("/", "_").Replace(p)
				if p == hostileUnitPage {
					name = "unit_hostile.html"
				}
				_ = os.WriteFile(filepath.Join(outDir, strings.TrimSuffix(name, ".html")+".png"), shot, 0o644)
			}
		}
		pcancel()
	}
	mu.Lock()
	for _, pr := range problems {
		t.Error(pr)
	}
	mu.Unlock()
	if hostileUnitPage == "" {
		t.Error("no page for the hostile unit id")
	}
	if totalCharts == 0 {
		t.Error("no chart on any page")
	}
	t.Logf("browser: %d pages in %s", len(pages), time.Since(start).Round(time.Millisecond))
}

// BenchmarkRender measures a live-site render of the test database (go test -bench
// Render -run '^$' ./internal/report/); it replaces a timed assertion in a test.
func BenchmarkRender(b *testing.B) {
	if testDB == nil {
		b.Skip("no test database (setup failed)")
	}
	cfg := *testCfg
	cfg.ReportsDir = filepath.Join(b.TempDir(), "site")
	for i := 0; i < b.N; i++ {
		if _, err := report.Render(context.Background(), testDB.DB, &cfg, report.Options{AsOf: testAsOf}); err != nil {
			b.Fatal(err)
		}
	}
}
