package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

//go:embed templates/page.html
var templateFS embed.FS

//go:embed assets/echarts.min.js assets/app.js assets/style.css
var assetFS embed.FS

var pageTpl = template.Must(template.ParseFS(templateFS, "templates/page.html"))

// page is one HTML file of the site.
type page struct {
	Path     string // relative to the site root, slash-separated
	Title    string
	Subtitle string
	NavKey   string
	Sections []*section
	Picker   *picker // the period picker's views (nil: no picker)
}

// section is a titled block of a page.
type section struct {
	ID, Title, Intro, Missing, Note string
	PK                              string // data-pk of the title (period picker)
	Cards                           []card
	Links                           []link
	Charts                          []chartBlock
	Tables                          []*table
}

type card struct {
	Label, Value, Sub, Class string
	PK                       string // data-pk (period picker)
	Why                      string // why the value is what it is (the trend verdict)
	Deltas                   []delta
}

type delta struct{ Label, Text, Class, Arrow string }

type link struct{ Href, Label, Note string }

// table is a sortable, filterable, downloadable data table.
type table struct {
	Title, Missing, Note, Empty, CSVName string
	Cols                                 []column
	Rows                                 [][]cell
	PK                                   string   // data-pk (period picker)
	keys                                 []string // each row's unit id (period picker)
}

type column struct {
	Label string
	Num   bool
}

type cell struct {
	Text, Sort, Href, Class string
}

// unitInfo is one row of the unit table, with its page.
type unitInfo struct {
	ID, Name, Parent, Level, Sector string
	File                            string // unit/<safe>-<hash>.html
	Children                        []string
	Depth                           int // in the unit tree (0 = a root)
}

// site is one rendering of the report: the data source, the language and the pages.
type site struct {
	formatter  // the report language and the configured formats: s.c, s.cfg, s.rateCell …
	martReader // the loaders (load.go): s.src, s.year, s.apPeriod, s.loadInto …
	asOf       time.Time
	month      string // the as-of month, quarter and year ("2026-03", "2026-Q1", "2026")
	quarter    string
	review     string // quarterly review being archived ("" for the live site)
	liveDir    string // the published site (for the list of archives on the index)
	directory         // the unit table: s.units, s.order (tree order), s.unitName …
	pages      []*page
	files      map[string][]byte // extra files (xlsx) by relative path
	topN       int
	now        time.Time
	// every period of the data (period picker), loaded once by the first page that asks
	periodsMu  sync.Mutex
	periodList []periodInfo
	// the periods' bands on a chart, by its months (bandsOver)
	bandsMu sync.Mutex
	bands   map[string]map[string]json.RawMessage
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// unitFile turns a unit id into a safe, unique file name: the id's safe characters
// (at most 40) and a short hash of the exact id, so that ids differing only in
// unsafe characters still get different pages.
func unitFile(id string) string {
	safe := strings.Trim(unsafeName.ReplaceAllString(id, "_"), "_")
	if len(safe) > 40 {
		safe = safe[:40]
	}
	if safe == "" {
		safe = "unit"
	}
	h := sha256.Sum256([]byte(id))
	return "unit/" + safe + "-" + hex.EncodeToString(h[:4]) + ".html"
}

// rel makes a root-relative path relative to the page at from.
func rel(from, target string) string {
	depth := strings.Count(from, "/")
	return strings.Repeat("../", depth) + target
}

// unitCell links a unit id to its page (from the page at from).
// writing ----------------------------------------------------------------

type navItem struct {
	Href, Label string
	Current     bool
}

var navOrder = []struct{ key, file string }{
	{"nav.index", "index.html"}, {"nav.overview", "overview.html"}, {"nav.trends", "trends.html"},
	{"nav.repeat", "repeat.html"}, {"nav.timeliness", "timeliness.html"}, {"nav.feedback", "feedback.html"},
	{"nav.veto", "veto.html"}, {"nav.appraisal", "appraisal.html"}, {"nav.targets", "targets.html"},
	{"nav.quality", "quality.html"}, {"nav.alerts", "alerts.html"},
}

func (s *site) siteTitle() string {
	if s.cfg.Report.Title != "" {
		return s.cfg.Report.Title
	}
	return s.c.T("site.title")
}

// write renders every page and asset into dir.
func (s *site) write(dir string) (int, error) {
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		return 0, fmt.Errorf("report: create %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "unit"), 0o755); err != nil {
		return 0, fmt.Errorf("report: create %s: %w", dir, err)
	}
	for _, name := range []string{"echarts.min.js", "app.js", "style.css"} {
		b, err := assetFS.ReadFile("assets/" + name)
		if err != nil {
			return 0, fmt.Errorf("report: embedded asset %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "assets", name), b, 0o644); err != nil {
			return 0, fmt.Errorf("report: write asset %s: %w", name, err)
		}
	}
	asOfLabel := s.c.T("asof") + " " + s.asOf.Format("2006-01-02")
	if s.review != "" {
		asOfLabel = s.review + " · " + asOfLabel
	}
	if _, err := s.periods(); err != nil { // loaded once here, read by every worker
		return 0, err
	}
	// Pages are rendered by one worker per core: each page is independent (its own
	// buffer and file; the picker's data files are merged under a lock), so the output
	// is the same bytes as one at a time.
	var filesMu sync.Mutex
	writePage := func(p *page, buf *bytes.Buffer) error {
		for _, sec := range p.Sections {
			for _, t := range sec.Tables {
				alignColumns(t)
			}
		}
		var nav []navItem
		for _, n := range navOrder {
			nav = append(nav, navItem{Href: rel(p.Path, n.file), Label: s.c.T(n.key), Current: n.key == p.NavKey})
		}
		if s.review != "" {
			nav[0].Label = s.c.T("nav.review")
		}
		data := map[string]any{
			"Lang": s.c.lang(), "Title": p.Title, "Subtitle": p.Subtitle, "SiteTitle": s.siteTitle(),
			"Root": rel(p.Path, ""), "AsOfLabel": asOfLabel, "Nav": nav, "Sections": p.Sections,
			"Footer": s.c.T("footer") + " " + s.c.T("generated") + " " + s.now.In(s.cfg.Location()).Format("2006-01-02 15:04 -07:00"),
		}
		data["Toc"], data["TocLabel"] = contents(p), s.c.T("toc")
		if p.Picker != nil {
			files := map[string][]byte{}
			pv, err := s.renderPicker(p.Picker, p.Path, files)
			if err != nil {
				return err
			}
			if pv != nil {
				data["Picker"] = pv
			}
			filesMu.Lock()
			for name, b := range files {
				s.files[name] = b
			}
			filesMu.Unlock()
		}
		buf.Reset()
		if err := pageTpl.Execute(buf, data); err != nil {
			return fmt.Errorf("report: render %s: %w", p.Path, err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p.Path)), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("report: write %s: %w", p.Path, err)
		}
		return nil
	}
	next := make(chan *page)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for p := range next {
				if err := writePage(p, &buf); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, p := range s.pages {
		next <- p
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return 0, err
	default:
	}
	for name, b := range s.files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, filepath.FromSlash(name))), 0o755); err != nil {
			return 0, fmt.Errorf("report: create folder for %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), b, 0o644); err != nil {
			return 0, fmt.Errorf("report: write %s: %w", name, err)
		}
	}
	return len(s.pages), nil
}

// loadUnits reads the unit table.
func (s *site) loadUnits() error {
	s.directory = directory{units: map[string]*unitInfo{}, allLabel: s.c.T("all"), unknownLabel: s.c.T("unit.unknown")}
	rows, err := s.src.query("units", []string{"unit_id", "name", "parent_id", "level", "sector"},
		`SELECT unit_id, name, parent_id, level, sector FROM units`)
	if err != nil {
		return err
	}
	for _, r := range rows {
		id := r.str("unit_id")
		s.units[id] = &unitInfo{ID: id, Name: r.str("name"), Parent: r.str("parent_id"), Level: r.str("level"), Sector: r.str("sector"), File: unitFile(id)}
		s.order = append(s.order, id)
	}
	for _, id := range s.order {
		if p, ok := s.units[s.units[id].Parent]; ok {
			p.Children = append(p.Children, id)
		}
	}
	s.order = treeOrder(s.units, s.order)
	return nil
}

// treeOrder lists units as their tree, depth first: each unit followed by its
// subordinates, siblings in pinyin order of their names (code-point order put 东 before
// 中 before 临), then by id. A unit whose parent is not a known unit is a root. Depth is
// recorded on each unit for the directory's indentation.
func treeOrder(units map[string]*unitInfo, ids []string) []string {
	col := collate.New(language.Chinese)
	less := func(a, b string) bool {
		ua, ub := units[a], units[b]
		if c := col.CompareString(ua.Name, ub.Name); c != 0 {
			return c < 0
		}
		return ua.ID < ub.ID
	}
	var roots []string
	for _, id := range ids {
		if _, ok := units[units[id].Parent]; !ok || units[id].Parent == id {
			roots = append(roots, id)
		}
	}
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	var walk func(level []string, depth int)
	walk = func(level []string, depth int) {
		level = append([]string(nil), level...)
		sort.Slice(level, func(i, j int) bool { return less(level[i], level[j]) })
		for _, id := range level {
			if seen[id] { // a cycle in the unit table: list each unit once
				continue
			}
			seen[id] = true
			units[id].Depth = depth
			out = append(out, id)
			walk(units[id].Children, depth+1)
		}
	}
	walk(roots, 0)
	var rest []string // units only reachable through a cycle
	for _, id := range ids {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	walk(rest, 0)
	return out
}

// period helpers -----------------------------------------------------------

func quarterOf(t time.Time) string { return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1) }

// buildPages builds every page, each loading its own data, and the workbook. The
// builders share only what they read (the unit table, the periods, the bands' cache
// under its lock), so they run side by side, one worker per core; the pages keep the
// builders' order, and an error is the first builder's in that order, as one at a
// time would report it.
func (s *site) buildPages(liveDir string) error {
	s.liveDir = liveDir
	one := func(build func() (*page, error)) func() ([]*page, error) {
		return func() ([]*page, error) {
			p, err := build()
			return []*page{p}, err
		}
	}
	builders := []func() ([]*page, error){one(s.indexPage), one(s.overviewPage), one(s.trendsPage), one(s.repeatPage),
		one(s.timelinessPage), one(s.feedbackPage), one(s.vetoPage), one(s.appraisalPage), one(s.targetsPage),
		one(s.qualityPage), one(s.alertsPage), s.unitPages, s.campaignPages,
		func() ([]*page, error) { return nil, s.buildWorkbook() }}
	built := make([][]*page, len(builders))
	if err := forEach(len(builders), func(i int) error {
		var err error
		built[i], err = builders[i]()
		return err
	}); err != nil {
		return err
	}
	for _, ps := range built {
		s.pages = append(s.pages, ps...)
	}
	return nil
}

// forEach runs f(0) … f(n-1) on one worker per core and returns the error of the
// lowest i that failed (nil if none did).
func forEach(n int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(n, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
