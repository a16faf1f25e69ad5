package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Metrics are the alert figures /metrics shows.
type Metrics struct {
	Open     map[string]int64 `json:"open"`              // current alerts by level (red, amber always present)
	Failures map[string]int64 `json:"delivery_failures"` // failed delivery runs per sink, ever (a counter)
	Pending  map[string]int64 `json:"pending"`           // undelivered alerts per sink
}

// ReadMetrics reads the open alerts and the delivery record. Tables that do not exist yet
// (marts never built) count as empty.
func ReadMetrics(ctx context.Context, db *sql.DB) (*Metrics, error) {
	m := &Metrics{Open: map[string]int64{"red": 0, "amber": 0}, Failures: map[string]int64{}, Pending: map[string]int64{}}
	var nAlerts, nDeliv int
	if err := db.QueryRowContext(ctx, `SELECT
			count(*) FILTER (WHERE table_schema = 'mart' AND table_name = 'alerts'),
			count(*) FILTER (WHERE table_schema = 'main' AND table_name = 'alert_deliveries')
		FROM information_schema.tables`).Scan(&nAlerts, &nDeliv); err != nil {
		return nil, fmt.Errorf("alerts: metrics: %w", err)
	}
	if nAlerts > 0 {
		if err := scanCounts(ctx, db, `SELECT level, count(*) FROM mart.alerts GROUP BY level`, m.Open); err != nil {
			return nil, err
		}
	}
	if nDeliv > 0 {
		if err := scanCounts(ctx, db, `SELECT sink, sum(failures) FROM alert_deliveries GROUP BY sink`, m.Failures); err != nil {
			return nil, err
		}
		if err := scanCounts(ctx, db, `SELECT sink, count(*) FILTER (WHERE status <> 'delivered') FROM alert_deliveries GROUP BY sink`, m.Pending); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func scanCounts(ctx context.Context, db *sql.DB, q string, into map[string]int64) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("alerts: metrics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("alerts: metrics: %w", err)
		}
		into[k] = v
	}
	return rows.Err()
}

// WritePrometheus writes m in the Prometheus text format: xinfang_alerts_open{level},
// xinfang_alert_delivery_failures_total{sink} and xinfang_alert_deliveries_pending{sink}.
// A nil m writes nothing.
func WritePrometheus(w io.Writer, m *Metrics) error {
	if m == nil {
		return nil
	}
	var b strings.Builder
	fam := func(name, typ, help string, v map[string]int64, label string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s{%s=\"%s\"} %d\n", name, label, strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(k), v[k])
		}
	}
	fam("xinfang_alerts_open", "gauge", "Early-warning alerts of the current alert week (SPEC §10), by level.", m.Open, "level")
	fam("xinfang_alert_delivery_failures_total", "counter", "Alert deliveries that failed (each is retried on the next run), per sink.", m.Failures, "sink")
	fam("xinfang_alert_deliveries_pending", "gauge", "Alerts not yet delivered, per sink.", m.Pending, "sink")
	_, err := io.WriteString(w, b.String())
	return err
}
