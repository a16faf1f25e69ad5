package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// Quarter is a calendar quarter.
type Quarter struct {
	Year int
	Q    int // 1..4
}

func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.Q) }

// QuarterOf returns the quarter containing t's calendar date.
func QuarterOf(t time.Time) Quarter { return Quarter{t.Year(), (int(t.Month())-1)/3 + 1} }

// Prev is the quarter before q.
func (q Quarter) Prev() Quarter {
	if q.Q == 1 {
		return Quarter{q.Year - 1, 4}
	}
	return Quarter{q.Year, q.Q - 1}
}

// Start is the quarter's first day (midnight in loc).
func (q Quarter) Start(loc *time.Location) time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, loc)
}

// End is the quarter's last day (midnight in loc) — the review's as-of date.
func (q Quarter) End(loc *time.Location) time.Time {
	return q.Start(loc).AddDate(0, 3, -1)
}

// LastEndedQuarter is the most recent quarter that ended before now's date.
func LastEndedQuarter(now time.Time) Quarter { return QuarterOf(now).Prev() }

// QuarterArchived reports whether the quarterly review for quarter exists under
// reports_dir/archive/ (the orchestrator's own test: an archive is never overwritten).
func QuarterArchived(cfg *config.Config, quarter string) bool {
	return orchestrate.QuarterArchived(cfg, quarter)
}

// catchUpQuarter decides whether the quarterly review for the last ended quarter
// was missed: its archive is missing and the stored data reaches into that quarter
// (some petition received on or after its first day). It returns the quarter to
// produce, or ok=false with the reason.
func catchUpQuarter(ctx context.Context, db *store.DB, cfg *config.Config, now time.Time) (q Quarter, ok bool, why string, err error) {
	loc := cfg.Location()
	q = LastEndedQuarter(now.In(loc))
	if QuarterArchived(cfg, q.String()) {
		return q, false, "archive exists", nil
	}
	var last sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT max(received_date) FROM petitions`).Scan(&last); err != nil {
		return q, false, "", fmt.Errorf("catch-up: read the latest received date: %w", err)
	}
	if !last.Valid {
		return q, false, "no petitions stored", nil
	}
	lastDay := time.Date(last.Time.Year(), last.Time.Month(), last.Time.Day(), 0, 0, 0, 0, loc)
	if lastDay.Before(q.Start(loc)) {
		return q, false, "the data ends on " + lastDay.Format("2006-01-02") + ", before the quarter", nil
	}
	return q, true, "", nil
}
