// Package alerts lists the early-warning alerts of mart.alerts (SPEC §10) and delivers each
// of them once to every configured sink (an outbox file of JSON lines, an HTTP POST of
// JSON), recording every delivery in the alert_deliveries table so that a crash or an
// unreachable sink never loses or duplicates one: the next run retries what failed.
package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"
)

// Alert is one row of mart.alerts.
type Alert struct {
	ID            string   `json:"id"`
	WeekStart     string   `json:"week_start"` // YYYY-MM-DD, a Monday
	WeekEnd       string   `json:"week_end"`
	UnitID        string   `json:"unit_id"`
	UnitName      string   `json:"unit_name"`
	Kind          string   `json:"kind"`     // total, category, collective
	Category      *string  `json:"category"` // kind category only; null = blank category
	Count         int64    `json:"count"`
	BaselineWeeks *int64   `json:"baseline_weeks"`
	BaselineMean  *float64 `json:"baseline_mean"`
	BaselineSD    *float64 `json:"baseline_sd"`
	Threshold     float64  `json:"threshold"`
	Level         string   `json:"level"` // red, amber
}

// catKey is the category part of the delivery key ("" for none or blank).
func (a Alert) catKey() string {
	if a.Category == nil {
		return ""
	}
	return *a.Category
}

func alertID(week, unit, kind, cat string) string {
	id := week + "/" + url.PathEscape(unit) + "/" + kind
	if kind == "category" {
		id += "/" + url.PathEscape(cat)
	}
	return id
}

// List reads the current alerts (the alert week of the last build), red first. A database
// whose marts have not been built yet has none.
func List(ctx context.Context, db *sql.DB) ([]Alert, error) {
	ok, err := martExists(ctx, db)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT week_start, week_end, unit_id, unit_name, kind, category, "count",
		baseline_weeks, baseline_mean, baseline_sd, threshold, level FROM mart.alerts`)
	if err != nil {
		return nil, fmt.Errorf("alerts: read mart.alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var ws, we time.Time
		var name, cat sql.NullString
		var bw sql.NullInt64
		var bm, bsd sql.NullFloat64
		if err := rows.Scan(&ws, &we, &a.UnitID, &name, &a.Kind, &cat, &a.Count, &bw, &bm, &bsd, &a.Threshold, &a.Level); err != nil {
			return nil, fmt.Errorf("alerts: read mart.alerts: %w", err)
		}
		a.WeekStart, a.WeekEnd, a.UnitName = ws.Format("2006-01-02"), we.Format("2006-01-02"), name.String
		if cat.Valid {
			a.Category = &cat.String
		}
		if bw.Valid {
			a.BaselineWeeks = &bw.Int64
		}
		if bm.Valid {
			a.BaselineMean = &bm.Float64
		}
		if bsd.Valid {
			a.BaselineSD = &bsd.Float64
		}
		a.ID = alertID(a.WeekStart, a.UnitID, a.Kind, a.catKey())
		out = append(out, a)
	}
	return out, rows.Err()
}

func martExists(ctx context.Context, db *sql.DB) (bool, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'mart' AND table_name = 'alerts'`).Scan(&n); err != nil {
		return false, fmt.Errorf("alerts: look for mart.alerts: %w", err)
	}
	return n > 0, nil
}
