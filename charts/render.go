// Package charts renders the static, offline HTML report site from the mart tables.
package charts

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/xinfang/xinfang/config"
)

// Options selects what to render.
type Options struct {
	AsOf    time.Time
	OutDir  string // default cfg.ReportsDir
	Quarter string // "2026-Q3": render the quarterly review into OutDir/archive/2026-Q3/
}

// Result says what was rendered.
type Result struct {
	Dir      string
	Index    string // path of index.html
	Pages    int
	Duration time.Duration
}

// Render builds the site. PLACEHOLDER until the report work lands.
func Render(ctx context.Context, db *sql.DB, cfg *config.Config, opt Options) (*Result, error) {
	return nil, errors.New("report: not implemented yet")
}
