package orchestrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
)

// AsOfMismatchError is returned when the live marts were built as of another date
// than the one asked for: figures as of one date are never passed off as another's.
type AsOfMismatchError struct {
	Built, Want time.Time
}

func (e *AsOfMismatchError) Error() string {
	w := e.Want.Format("2006-01-02")
	return fmt.Sprintf("the marts were built as of %s, not %s: rebuild them with `xinfang compute --as-of %s` (or add --rebuild)",
		e.Built.Format("2006-01-02"), w, w)
}

// CheckMarts returns the build record of the live marts and, when want is not
// zero, checks that they were built as of want. With no build record it says how
// to build them.
func CheckMarts(ctx context.Context, db *sql.DB, want time.Time) (*queries.BuildInfo, error) {
	bi, err := queries.ReadBuildInfo(ctx, db)
	if errors.Is(err, queries.ErrNoBuildInfo) {
		return nil, fmt.Errorf("%w: build them with `xinfang compute` (or add --rebuild)", err)
	}
	if err != nil {
		return nil, err
	}
	if !want.IsZero() && !sameDay(bi.AsOf, want) {
		return bi, &AsOfMismatchError{Built: bi.AsOf, Want: want}
	}
	return bi, nil
}

// NeedsRebuild reports whether err from CheckMarts is cured by rebuilding the marts.
func NeedsRebuild(err error) bool {
	var mm *AsOfMismatchError
	return errors.As(err, &mm) || errors.Is(err, queries.ErrNoBuildInfo)
}

// Rebuild builds the live marts as of asOf (db must be writable) and returns their
// new build record.
func Rebuild(ctx context.Context, db *store.DB, cfg *config.Config, asOf time.Time) (*queries.BuildInfo, error) {
	if _, err := queries.Build(ctx, db.DB, cfg, asOf); err != nil {
		return nil, err
	}
	return queries.ReadBuildInfo(ctx, db.DB)
}

func sameDay(a, b time.Time) bool {
	return a.Format("2006-01-02") == b.Format("2006-01-02")
}
