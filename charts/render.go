// Package charts renders the static, offline HTML report site from the mart tables.
package charts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/queries"
)

// Options selects what to render.
type Options struct {
	AsOf    time.Time
	OutDir  string // default cfg.ReportsDir
	Quarter string // "2026-Q3": render the quarterly review into OutDir/archive/2026-Q3/
	// QuarterOnly skips the live site (xinfang report --quarter): only the archive is written.
	QuarterOnly bool
}

// Result says what was rendered.
type Result struct {
	Dir      string
	Index    string // path of index.html
	Pages    int
	Duration time.Duration
	// Archive is the quarterly review folder when one was rendered.
	Archive string
	// SiteDuration is the time the live site took (Duration includes the quarterly
	// review and its two mart rebuilds).
	SiteDuration time.Duration
}

// ErrArchived is returned when the quarter already has an archive: archives are
// never overwritten.
var ErrArchived = errors.New("quarter already archived")

// Render builds the site as of opt.AsOf from the marts in db and publishes it
// atomically into opt.OutDir (default cfg.ReportsDir). With opt.Quarter it also
// renders that quarter's review into OutDir/archive/<quarter>/: the marts are rebuilt
// as of the quarter's last day (db must be writable), the archive is rendered from
// them, and the marts are rebuilt again as of the date they had before.
func Render(ctx context.Context, db *sql.DB, cfg *config.Config, opt Options) (*Result, error) {
	start := time.Now()
	if opt.OutDir == "" {
		opt.OutDir = cfg.ReportsDir
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = cfg.AsOfDate()
	}
	res := &Result{Dir: opt.OutDir, Index: filepath.Join(opt.OutDir, "index.html")}
	// The quarter goes first so that the live site rendered after it links the new
	// archive; an already archived quarter does not stop the live site.
	var qerr error
	if opt.Quarter != "" {
		n, dir, err := renderQuarter(ctx, db, cfg, opt)
		if err != nil && (opt.QuarterOnly || !errors.Is(err, ErrArchived)) {
			return nil, err
		}
		qerr = err
		res.Pages += n
		res.Archive = dir
		if opt.QuarterOnly {
			res.Index = filepath.Join(dir, "index.html")
		}
	}
	if !opt.QuarterOnly {
		t0 := time.Now()
		n, err := publish(opt.OutDir, func(dir string) (int, error) {
			return renderSite(ctx, db, cfg, opt.AsOf, "", dir, opt.OutDir)
		})
		if err != nil {
			return nil, err
		}
		res.Pages += n
		res.SiteDuration = time.Since(t0)
	}
	if qerr != nil {
		return res, qerr
	}
	res.Duration = time.Since(start)
	return res, nil
}

// QuarterArchived reports whether the quarter's review is already archived under
// cfg.ReportsDir (the scheduler skips such a quarter).
func QuarterArchived(cfg *config.Config, quarter string) bool {
	return archived(cfg.ReportsDir, quarter)
}

// QuarterArchivedIn is QuarterArchived for a given reports folder.
func QuarterArchivedIn(outDir, quarter string) bool { return archived(outDir, quarter) }

func archived(outDir, quarter string) bool {
	_, err := os.Stat(filepath.Join(outDir, "archive", quarter))
	return err == nil
}

// renderQuarter rebuilds the marts as of the quarter's last day, renders the
// review into archive/<quarter>/ (built beside it and renamed in, so that a
// failure leaves no half archive), and always restores the marts afterwards.
// Decision: the marts are rebuilt in place rather than on a copy of the database:
// queries.Build is transactional, so readers see either the old or the new marts,
// and the writer lock keeps other writers out meanwhile.
func renderQuarter(ctx context.Context, db *sql.DB, cfg *config.Config, opt Options) (n int, dir string, err error) {
	_, end, err := ParseQuarter(opt.Quarter)
	if err != nil {
		return 0, "", err
	}
	dir = filepath.Join(opt.OutDir, "archive", opt.Quarter)
	if archived(opt.OutDir, opt.Quarter) {
		return 0, dir, fmt.Errorf("%w: %s exists and is never overwritten", ErrArchived, dir)
	}
	asOf := time.Date(opt.AsOf.Year(), opt.AsOf.Month(), opt.AsOf.Day(), 0, 0, 0, 0, time.UTC)
	if end.After(asOf) {
		return 0, dir, fmt.Errorf("quarter %s is not over yet (it ends %s, the as-of date is %s)", opt.Quarter, end.Format("2006-01-02"), asOf.Format("2006-01-02"))
	}
	restore := MartsAsOf(ctx, db, opt.AsOf)
	if _, err := queries.Build(ctx, db, cfg, end); err != nil {
		return 0, dir, fmt.Errorf("quarterly review: rebuild marts as of %s (needs the database open for writing): %w", end.Format("2006-01-02"), err)
	}
	defer func() {
		if _, rerr := queries.Build(context.WithoutCancel(ctx), db, cfg, restore); rerr != nil {
			err = errors.Join(err, fmt.Errorf("quarterly review: restore marts as of %s: %w", restore.Format("2006-01-02"), rerr))
		}
	}()
	if err := mkSiteDir(filepath.Join(opt.OutDir, "archive")); err != nil {
		return 0, dir, fmt.Errorf("report: create archive folder: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Join(opt.OutDir, "archive"), "."+opt.Quarter+".tmp-")
	if err != nil {
		return 0, dir, fmt.Errorf("report: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure
	n, err = renderSite(ctx, db, cfg, end, opt.Quarter, tmp, opt.OutDir)
	if err != nil {
		return 0, dir, err
	}
	if err := applySiteModes(tmp); err != nil {
		return 0, dir, fmt.Errorf("report: %w", err)
	}
	// Rename refuses a non-empty target, so a concurrent archive of the same quarter is not overwritten.
	if err := os.Rename(tmp, dir); err != nil {
		return 0, dir, fmt.Errorf("%w: publish %s: %v", ErrArchived, dir, err)
	}
	slog.Info("quarterly review archived", "quarter", opt.Quarter, "dir", dir, "pages", n)
	return n, dir, nil
}

// MartsAsOf is the as-of date the marts were last built for (from mart.trend), or
// fallback when that cannot be read.
func MartsAsOf(ctx context.Context, db *sql.DB, fallback time.Time) time.Time {
	var t sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT max(as_of) FROM mart.trend`).Scan(&t); err == nil && t.Valid {
		return t.Time
	}
	return fallback
}

// renderSite renders the whole site as of asOf into dir. review names the quarter
// when this is an archived quarterly review; liveDir is the published site (for the
// list of archives on the index).
func renderSite(ctx context.Context, db *sql.DB, cfg *config.Config, asOf time.Time, review, dir, liveDir string) (int, error) {
	src, err := newSource(ctx, db)
	if err != nil {
		return 0, err
	}
	s := &site{cfg: cfg, src: src, c: newCatalogue(cfg.Language), asOf: asOf, review: review, files: map[string][]byte{}, now: time.Now(), topN: cfg.Report.TopN}
	if s.topN <= 0 {
		s.topN = 10
	}
	s.month, s.quarter, s.year = asOf.Format("2006-01"), quarterOf(asOf), strconv.Itoa(asOf.Year())
	s.apPeriod = s.appraisalPeriod()
	if err := s.loadUnits(); err != nil {
		return 0, err
	}
	t0 := time.Now()
	d, err := s.load()
	if err != nil {
		return 0, err
	}
	slog.Debug("report: marts loaded", "took", time.Since(t0))
	t0 = time.Now()
	s.add(s.indexPage(d, liveDir))
	for _, build := range []func(*data) (*page, error){s.overviewPage, s.trendsPage, s.repeatPage, s.timelinessPage, s.feedbackPage} {
		p, err := build(d)
		if err != nil {
			return 0, err
		}
		s.add(p)
	}
	s.add(s.vetoPage(d))
	for _, build := range []func(*data) (*page, error){s.appraisalPage, s.targetsPage} {
		p, err := build(d)
		if err != nil {
			return 0, err
		}
		s.add(p)
	}
	q, err := s.qualityPage()
	if err != nil {
		return 0, err
	}
	s.add(q)
	if err := s.unitPages(d); err != nil {
		return 0, err
	}
	if err := s.buildWorkbook(d); err != nil {
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
