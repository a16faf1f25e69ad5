package orchestrate

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/xinfang/xinfang/charts"
	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/store"
)

// ReportOptions selects what `xinfang report` renders.
type ReportOptions struct {
	// AsOf is the as-of date asked for (zero: the date the live marts were built for).
	AsOf    time.Time
	OutDir  string // default cfg.ReportsDir
	Quarter string // archive this quarter's review first, then re-render the live site
	// Progress receives one line per review step (nil = none).
	Progress io.Writer
}

// ReportResult says what Report rendered.
type ReportResult struct {
	AsOf   time.Time // the live site's as-of date
	Site   *charts.Result
	Review *ReviewResult
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
	if opt.AsOf.IsZero() {
		opt.AsOf = cfg.AsOfDate()
		if hasMarts {
			opt.AsOf = liveAsOf
		}
	}
	site, err := charts.Render(ctx, db.DB, cfg, charts.Options{AsOf: opt.AsOf, OutDir: opt.OutDir})
	if err != nil {
		return nil, err
	}
	res.AsOf, res.Site = opt.AsOf, site
	return res, nil
}

// MartsAsOf is the as-of date the live marts were last built for, and whether
// they are built at all.
func MartsAsOf(ctx context.Context, db *sql.DB) (time.Time, bool) {
	var t sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT max(as_of) FROM mart.trend`).Scan(&t); err == nil && t.Valid {
		return t.Time, true
	}
	return time.Time{}, false
}
