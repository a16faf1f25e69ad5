package orchestrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/xinfang/xinfang/internal/archive"
	"io"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

// ReportOptions selects what `xinfang report` renders.
type ReportOptions struct {
	// AsOf is the as-of date asked for: zero renders the live marts as of the date
	// they were built for (mart.build_info); another date than that is refused.
	// With Quarter it is only the date by which the quarter must be over.
	AsOf    time.Time
	OutDir  string // default cfg.ReportsDir
	Quarter string // archive this quarter's review first, then re-render the live site
	// Progress receives one line per review step (nil = none).
	Progress io.Writer
}

// ReportResult says what Report rendered.
type ReportResult struct {
	AsOf   time.Time // the live site's as-of date
	Site   *report.Result
	Review *ReviewResult
	// Audiences are the audience sites rendered after the whole system's.
	Audiences []AudienceResult
	// SiteSkipped says why the live site was not re-rendered after a review.
	SiteSkipped string
}

// Report renders the live site from the live marts (db is only read) and, with
// opt.Quarter, first archives that quarter's review; the live site is then
// re-rendered so that its index links the new archive.
func Report(ctx context.Context, db *store.DB, cfg *config.Config, opt ReportOptions) (*ReportResult, error) {
	res := &ReportResult{}
	liveAsOf, hasMarts := MartsAsOf(ctx, db.DB)
	if opt.Quarter != "" {
		reviewAsOf := opt.AsOf
		if reviewAsOf.IsZero() {
			reviewAsOf = cfg.AsOfDate()
		}
		rv, err := Review(ctx, db, cfg, ReviewOptions{Quarter: opt.Quarter, AsOf: reviewAsOf, OutDir: opt.OutDir, Progress: opt.Progress})
		if errors.Is(err, archive.ErrArchived) && hasMarts {
			// Archived already, perhaps by a run killed before it re-rendered the live
			// site: re-render it anyway (its index lists the archive, and stale staging
			// is cleaned), then report the refusal to overwrite.
			if _, rerr := Report(ctx, db, cfg, ReportOptions{OutDir: opt.OutDir}); rerr != nil {
				return nil, errors.Join(err, rerr)
			}
			return nil, err
		}
		if err != nil {
			return nil, err
		}
		res.Review = rv
		if !hasMarts {
			res.SiteSkipped = "the live marts are not built (run `xinfang compute`)"
			return res, nil
		}
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "review %s: re-rendering the live site (as of %s) so that its index lists the archive\n", opt.Quarter, liveAsOf.Format("2006-01-02"))
		}
		opt.AsOf = liveAsOf
	}
	// The live site says the as-of its marts were built for: asked for another
	// date, it refuses rather than label one date's figures with another.
	bi, err := CheckMarts(ctx, db.DB, opt.AsOf)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	opt.AsOf = bi.AsOf
	ro := report.Options{AsOf: opt.AsOf, OutDir: opt.OutDir, Keep: audienceIDs(cfg)}
	// A review adds an archive, which only the index lists: when the live site was
	// rendered from exactly these marts, data and config, rewriting the index suffices.
	site, refreshed := (*report.Result)(nil), false
	if opt.Quarter != "" {
		if site, refreshed, err = report.RefreshIndex(ctx, db.DB, cfg, ro); err != nil {
			return nil, err
		}
		if refreshed && opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "review %s: the live site's %d pages are current (rendered from these marts): only its index was rewritten\n", opt.Quarter, site.Pages)
		}
	}
	if !refreshed {
		if site, err = report.Render(ctx, db.DB, cfg, ro); err != nil {
			return nil, err
		}
	}
	res.AsOf, res.Site = opt.AsOf, site
	if res.Audiences, err = renderAudiences(ctx, db, cfg, opt.AsOf, opt.OutDir, opt.Quarter != ""); err != nil {
		return res, err
	}
	return res, nil
}

// MartsAsOf is the as-of date the live marts were built for (from mart.build_info),
// and whether they carry a build record at all.
func MartsAsOf(ctx context.Context, db *sql.DB) (time.Time, bool) {
	bi, err := queries.ReadBuildInfo(ctx, db)
	if err != nil {
		return time.Time{}, false
	}
	return bi.AsOf, true
}
