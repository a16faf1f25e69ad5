package queries_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// martContract is what every mart table promises: a unique key and, for the
// period tables, a row for every known unit × rollup × period from the first month
// of the data through the as-of date, plus ALL.
type martContract struct {
	key  []string
	grid string // "" (unique key only), "period" (the full period grid), "period+dim"
	// (the full grid × every value of the last key column), "month" (the grid's months),
	// "cells" (the sparse side of a "period+dim" view: grid keys with records only),
	// "appraisal" (known units,
	// own records, every quarter and year), "trend" (every known unit × rollup, plus ALL)
}

var periodKey = []string{"unit_id", "rollup", "period_type", "period"}

// contracts declares every table of the mart schema. A table missing here fails
// TestMartContracts: a new mart must say what its key is.
var contracts = map[string]martContract{
	"volume":                   {key: periodKey, grid: "period"},
	"repeat":                   {key: periodKey, grid: "period"},
	"closure":                  {key: periodKey, grid: "period"},
	"timeliness":               {key: periodKey, grid: "period"},
	"acceptance":               {key: periodKey, grid: "period"},
	"feedback":                 {key: periodKey, grid: "period"},
	"supervision":              {key: periodKey, grid: "period"},
	"row_keys":                 {key: periodKey, grid: "period"},
	"volume_by_channel":        {key: append(slices.Clone(periodKey), "channel"), grid: "period+dim"},
	"volume_by_category":       {key: append(slices.Clone(periodKey), "category"), grid: "period+dim"},
	"volume_by_channel_cells":  {key: append(slices.Clone(periodKey), "channel"), grid: "cells"},
	"volume_by_category_cells": {key: append(slices.Clone(periodKey), "category"), grid: "cells"},
	"volume_by_dim_cells":      {key: append(append([]string{"dim"}, periodKey...), "value"), grid: "cells"},
	"petitioner_counts":        {key: periodKey},
	"appraisal":                {key: periodKey, grid: "appraisal"},
	"appraisal_indicators":     {key: append(slices.Clone(periodKey), "indicator")},
	"trend":                    {key: []string{"unit_id", "rollup", "as_of"}, grid: "trend"},
	"targets":                  {key: []string{"unit_id", "rollup", "year", "metric"}},
	"targets_backtest":         {key: []string{"unit_id", "rollup", "metric", "year"}},
	"veto":                     {key: []string{"scope", "subject_id", "year", "rule_id"}},
	"peer_quantiles":           {key: []string{"peer_group", "period_type", "period", "metric"}},
	"open_overdue":             {key: []string{"source", "petition_id"}},
	"due_soon":                 {key: []string{"source", "petition_id"}},
	"open_supervised":          {key: []string{"source", "petition_id"}},
	"records":                  {key: []string{"source", "petition_id"}},
	"record_deadlines":         {key: []string{"source", "petition_id"}},
	"unknown_units":            {key: []string{"unit_id"}},
	"periods":                  {key: []string{"period_type", "period"}},
	"period_months":            {key: []string{"month_start", "period_type"}},
	"deadline_period_months":   {key: []string{"month_start", "period_type"}},
	"unit_scope":               {key: []string{"unit_id", "rollup", "member_unit_id"}},
	"unit_ancestors":           {key: []string{"unit_id", "ancestor_id"}},
	"units_known":              {key: []string{"unit_id"}},
	"tracked":                  {key: []string{"field"}},
	"tracked_row":              {key: nil}, // one row
	"calendar":                 {key: []string{"d"}},
	"cfg_calendar":             {key: []string{"d"}},
	"cfg_grades":               {key: []string{"grade"}},
	"cfg_indicators":           {key: []string{"indicator"}},
	"cfg_targets":              {key: []string{"ord"}},
	"cfg_veto_rules":           {key: []string{"rule_id"}},
	"inspection_priority":      {key: []string{"unit_id", "period_type", "period"}},
	"volume_moving_average":    {key: periodKey, grid: "month"},
	"appraisal_peer_median":    {key: []string{"peer_group", "period_type", "period", "indicator"}},
	"recent_repeaters":         {key: []string{"unit_id", "petitioner_id"}},
	"recent_not_ceased":        {key: []string{"source", "petition_id"}},
	"commendation_candidates":  {key: periodKey},
	"build_info":               {key: nil}, // one row
	"record_rows":              {key: []string{"source", "petition_id"}},
	"source_tracked":           {key: []string{"source"}},
	"campaign":                 {key: []string{"campaign_id", "unit_id", "rollup"}},
	"campaign_groups":          {key: []string{"campaign_id", `"group"`}},
	"alerts":                   {key: []string{"week_start", "unit_id", "kind", "coalesce(category, '<blank>')"}}, // category NULL for total and collective
	"cohort":                   {key: periodKey, grid: "period"},
	"cfg_alerts":               {key: nil},
	"cfg_campaigns":            {key: []string{"campaign_id"}},
	"cfg_campaign_units":       {key: []string{"campaign_id", "unit_id"}},
	"campaign_weekly":          {key: []string{"campaign_id", "series", "week_start"}},
	"alert_series":             {key: []string{"unit_id", "kind", "coalesce(category, '<blank>')", "week_start"}},
	"veto_handler_units":       {key: []string{"handler_id", "unit_id"}},
}

// The fixture: P with child C, and X; records at C in January, P in March, X in July
// 2024 and one at the unknown unit Z in February; as of 2024-08-15. By hand: periods
// are the months 2024-01 … 2024-08, the quarters Q1 … Q3 and the year 2024 (12);
// row keys are 3 known units × 2 rollups + ALL = 7 per period, 84 in all.
func TestMartContracts(t *testing.T) {
	f := newFixture(t)
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"}, U{ID: "X"})
	f.add(
		P{ID: "1", Unit: "C", Received: "2024-01-05", Petitioner: "a", Channel: "visit", Category: "k", Closed: "2024-01-20", Justified: "justified"},
		P{ID: "2", Unit: "P", Received: "2024-03-10", Petitioner: "a", Channel: "letter", Listed: "true"},
		P{ID: "3", Unit: "X", Received: "2024-07-20", Petitioner: "b", Leader: "l", Handler: "h", Mass: "true"},
		P{ID: "4", Unit: "Z", Received: "2024-02-01", Petitioner: "c"},
	)
	f.build("2024-08-15")

	var periods []string
	for m := 1; m <= 8; m++ {
		periods = append(periods, fmt.Sprintf("month|2024-%02d", m))
	}
	periods = append(periods, "quarter|2024-Q1", "quarter|2024-Q2", "quarter|2024-Q3", "year|2024")
	units := []string{"C", "P", "X"}
	var grid []string
	for _, p := range periods {
		for _, u := range units {
			grid = append(grid, u+"|false|"+p, u+"|true|"+p)
		}
		grid = append(grid, "ALL|true|"+p)
	}
	sort.Strings(grid)
	if len(grid) != 84 {
		t.Fatalf("hand count: %d grid rows, want 84", len(grid))
	}
	keyText := `unit_id || '|' || rollup || '|' || period_type || '|' || period`

	tables := f.strs(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'mart'`)
	for _, tb := range tables {
		c, ok := contracts[tb]
		if !ok {
			t.Errorf("mart.%s has no contract: declare its key in contracts (queries/contract_test.go)", tb)
			continue
		}
		n := f.i64(`SELECT count(*) FROM mart.` + tb)
		if c.key == nil {
			if n != 1 {
				t.Errorf("mart.%s: %d rows, want 1", tb, n)
			}
			continue
		}
		k := strings.Join(c.key, ", ")
		if dup := f.i64(`SELECT count(*) FROM (SELECT ` + k + ` FROM mart.` + tb + ` GROUP BY ALL HAVING count(*) > 1)`); dup > 0 {
			t.Errorf("mart.%s: %d duplicate keys (%s)", tb, dup, k)
		}
		if nulls := f.i64(`SELECT count(*) FROM mart.` + tb + ` WHERE ` + strings.Join(c.key, " IS NULL OR ") + ` IS NULL`); nulls > 0 && c.grid != "period+dim" && c.grid != "cells" {
			// A breakdown's value column may be NULL (blank is a value of its own).
			t.Errorf("mart.%s: %d rows with a NULL key column (%s)", tb, nulls, k)
		}
		switch c.grid {
		case "period":
			if got := f.strs(`SELECT ` + keyText + ` FROM mart.` + tb); !slices.Equal(got, grid) {
				t.Errorf("mart.%s: %d row keys, want the %d of the full grid (every known unit × rollup × period, plus ALL)", tb, len(got), len(grid))
			}
		case "month":
			var want []string
			for _, g := range grid {
				if strings.Contains(g, "|month|") {
					want = append(want, g)
				}
			}
			if got := f.strs(`SELECT ` + keyText + ` FROM mart.` + tb); !slices.Equal(got, want) {
				t.Errorf("mart.%s: %d row keys, want the %d monthly keys of the grid", tb, len(got), len(want))
			}
		case "period+dim":
			dim := c.key[len(c.key)-1]
			vals := f.i64(`SELECT count(DISTINCT coalesce(` + dim + `, '<blank>')) FROM mart.` + tb)
			if got := f.strs(`SELECT DISTINCT ` + keyText + ` FROM mart.` + tb); !slices.Equal(got, grid) || n != vals*int64(len(grid)) {
				t.Errorf("mart.%s: %d rows over %d keys, want the full grid (%d) × %d values", tb, n, len(got), len(grid), vals)
			}
		case "cells":
			in := map[string]bool{}
			for _, g := range grid {
				in[g] = true
			}
			for _, g := range f.strs(`SELECT DISTINCT ` + keyText + ` FROM mart.` + tb) {
				if !in[g] {
					t.Errorf("mart.%s: row key %s is not in the grid", tb, g)
				}
			}
			if empty := f.i64(`SELECT count(*) FROM mart.` + tb + ` WHERE petitions <= 0`); empty > 0 {
				t.Errorf("mart.%s: %d cells without records (the view fills zeros; cells hold records only)", tb, empty)
			}
		case "appraisal":
			var want []string
			for _, p := range periods {
				if !strings.HasPrefix(p, "month|") {
					for _, u := range units {
						want = append(want, u+"|false|"+p)
					}
				}
			}
			sort.Strings(want)
			if got := f.strs(`SELECT ` + keyText + ` FROM mart.` + tb); !slices.Equal(got, want) {
				t.Errorf("mart.%s: row keys %v\nwant %v", tb, got, want)
			}
		case "trend":
			want := []string{"ALL|true", "C|false", "C|true", "P|false", "P|true", "X|false", "X|true"}
			if got := f.strs(`SELECT unit_id || '|' || rollup FROM mart.` + tb); !slices.Equal(got, want) {
				t.Errorf("mart.%s: rows %v, want %v", tb, got, want)
			}
		}
	}
	for tb := range contracts {
		if !slices.Contains(tables, tb) {
			t.Errorf("contract for mart.%s, which the build no longer makes", tb)
		}
	}
}
