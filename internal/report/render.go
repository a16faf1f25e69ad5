// Package report renders the static, offline HTML report site from the mart tables.
package report

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
)

// Options selects what to render.
type Options struct {
	AsOf   time.Time
	OutDir string // default cfg.ReportsDir
	// Keep names top-level folders of the published site that are not the site's own
	// (the audiences' sites, reports_dir/<id>/): carried into the new site like the
	// archive, so that re-publishing the whole system's site keeps them.
	Keep []string
	// AllLabel names the site's whole in place of 全系统 (an audience's title).
	AllLabel string
}

// Result says what was rendered.
type Result struct {
	Dir      string
	Index    string // path of index.html
	Pages    int
	Duration time.Duration
	// IndexOnly: only index.html was rewritten (RefreshIndex); Pages is the site's count.
	IndexOnly bool
}

// Render builds the live site as of opt.AsOf from the marts in db and publishes it
// atomically into opt.OutDir (default cfg.ReportsDir). It only reads db, so a
// database opened read-only (or a 0444 file) is enough.
func Render(ctx context.Context, db *sql.DB, cfg *config.Config, opt Options) (*Result, error) {
	start := time.Now()
	if opt.OutDir == "" {
		opt.OutDir = cfg.ReportsDir
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = cfg.AsOfDate()
	}
	res := &Result{Dir: opt.OutDir, Index: filepath.Join(opt.OutDir, "index.html")}
	// What the site is drawn from, read before any page: should the data change while
	// the pages are built, the stamp is the older one, and RefreshIndex then renders anew.
	in, inErr := readInputs(ctx, db, cfg, opt.AsOf, opt.AllLabel)
	if inErr != nil {
		slog.Debug("report: no render stamp (the next review renders the whole site)", "err", inErr)
	}
	now := time.Now()
	n, err := publish(opt.OutDir, opt.Keep, func(dir string) (int, error) {
		n, err := renderSite(ctx, db, cfg, opt.AsOf, "", dir, opt.OutDir, opt.AllLabel, now)
		if err != nil || inErr != nil {
			return n, err
		}
		return n, writeStamp(dir, renderStamp{Generated: now, Pages: n, Inputs: in})
	})
	if err != nil {
		return nil, err
	}
	res.Pages = n
	res.Duration = time.Since(start)
	return res, nil
}

// ReviewOptions selects the quarterly review to render.
type ReviewOptions struct {
	Quarter string // "2026-Q3"; the review is as of the quarter's last day
	Dir     string // folder to write into (the caller publishes it into the archive)
	LiveDir string // the published site, whose archive list the review's index shows
	// AllLabel names the site's whole in place of 全系统 (an audience's title).
	AllLabel string
}

// RenderReview renders the quarterly review from db (whose marts must have been
// built as of the quarter's last day) straight into opt.Dir. Like Render it only
// reads db.
func RenderReview(ctx context.Context, db *sql.DB, cfg *config.Config, opt ReviewOptions) (*Result, error) {
	start := time.Now()
	_, end, err := archive.ParseQuarter(opt.Quarter)
	if err != nil {
		return nil, err
	}
	n, err := renderSite(ctx, db, cfg, end, opt.Quarter, opt.Dir, opt.LiveDir, opt.AllLabel, time.Now())
	if err != nil {
		return nil, err
	}
	return &Result{Dir: opt.Dir, Index: filepath.Join(opt.Dir, "index.html"), Pages: n, Duration: time.Since(start)}, nil
}

// renderSite renders the whole site as of asOf into dir, its pages saying they were
// generated at now. review names the quarter when this is an archived quarterly
// review; liveDir is the published site (for the list of archives on the index).
func renderSite(ctx context.Context, db *sql.DB, cfg *config.Config, asOf time.Time, review, dir, liveDir, allLabel string, now time.Time) (int, error) {
	s, err := newSite(ctx, db, cfg, asOf, review, allLabel, now)
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	if err := s.buildPages(liveDir); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	slog.Debug("report: pages built", "pages", len(s.pages), "took", time.Since(t0))
	t0 = time.Now()
	n, err := s.write(dir)
	slog.Debug("report: pages written", "took", time.Since(t0))
	return n, err
}

// newSite is a site as of asOf with what every page reads loaded (the schema, the
// units); now is the time its pages say they were generated.
func newSite(ctx context.Context, db *sql.DB, cfg *config.Config, asOf time.Time, review, allLabel string, now time.Time) (*site, error) {
	src, err := newSource(ctx, db)
	if err != nil {
		return nil, err
	}
	s := &site{formatter: formatter{cfg: cfg, c: newCatalogue(cfg.Language)}, martReader: martReader{src: src}, asOf: asOf, review: review, files: map[string][]byte{}, now: now, topN: cfg.Report.TopN}
	s.c.all = allLabel
	if s.topN <= 0 {
		s.topN = 10
	}
	s.month, s.quarter, s.year = asOf.Format("2006-01"), quarterOf(asOf), strconv.Itoa(asOf.Year())
	s.apPeriod = s.appraisalPeriod()
	if err := s.loadUnits(); err != nil {
		return nil, err
	}
	return s, nil
}

// appraisalPeriod is the quarter shown on the appraisal pages: the review quarter,
// else the latest complete quarter in mart.appraisal, else the latest one.
func (s *site) appraisalPeriod() string {
	if s.review != "" {
		return s.review
	}
	rows, err := s.src.query("mart.appraisal", []string{"period_type", "period", "complete"},
		`SELECT period FROM mart.appraisal WHERE period_type = 'quarter' ORDER BY complete DESC, period DESC LIMIT 1`)
	if err != nil || len(rows) == 0 {
		return quarterOf(s.asOf)
	}
	return rows[0].str("period")
}
