package alerts

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Listed is an alert with its delivery state per sink (sink name → "delivered" or
// "pending (N tries: last error)").
type Listed struct {
	Alert
	Deliveries map[string]string `json:"deliveries"`
}

// Current lists the current alerts with their delivery state.
func Current(ctx context.Context, db *sql.DB) ([]Listed, error) {
	list, err := List(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]Listed, len(list))
	idx := map[string]int{}
	for i, a := range list {
		out[i] = Listed{Alert: a, Deliveries: map[string]string{}}
		idx[a.ID] = i
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'alert_deliveries'`).Scan(&n); err != nil || n == 0 || len(list) == 0 {
		return out, err
	}
	rows, err := db.QueryContext(ctx, `SELECT alert_id, sink, status, attempts, coalesce(last_error, '') FROM alert_deliveries
		WHERE week_start = ?::DATE ORDER BY sink`, list[0].WeekStart)
	if err != nil {
		return nil, fmt.Errorf("alerts: read deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sink, status, lastErr string
		var tries int
		if err := rows.Scan(&id, &sink, &status, &tries, &lastErr); err != nil {
			return nil, fmt.Errorf("alerts: read deliveries: %w", err)
		}
		i, ok := idx[id]
		if !ok {
			continue
		}
		if status != "delivered" && tries > 0 {
			status = fmt.Sprintf("%s (%d tries: %s)", status, tries, lastErr)
		}
		out[i].Deliveries[sink] = status
	}
	return out, rows.Err()
}

// WriteList prints the current alerts as a table, or as JSON with asJSON.
func WriteList(w io.Writer, list []Listed, asJSON bool) error {
	if asJSON {
		if list == nil {
			list = []Listed{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no alerts in the last complete week")
		return err
	}
	fmt.Fprintf(w, "alerts for the week %s .. %s (SPEC §10)\n", list[0].WeekStart, list[0].WeekEnd)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LEVEL\tUNIT\tNAME\tKIND\tCATEGORY\tCOUNT\tBASELINE\tTHRESHOLD\tDELIVERY")
	for _, a := range list {
		cat := ""
		if a.Kind == "category" {
			cat = "(blank)"
			if a.Category != nil {
				cat = *a.Category
			}
		}
		base := "-"
		if a.BaselineMean != nil && a.BaselineSD != nil {
			base = fmt.Sprintf("%.2f ± %.2f", *a.BaselineMean, *a.BaselineSD)
		}
		var ds []string
		for s, st := range a.Deliveries {
			ds = append(ds, s+": "+st)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", a.Level, a.UnitID, a.UnitName, a.Kind, cat, a.Count,
			base, strconv.FormatFloat(a.Threshold, 'f', 2, 64), strings.Join(sortStrings(ds), "; "))
	}
	return tw.Flush()
}

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
