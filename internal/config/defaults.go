package config

import "time"

// Default returns the built-in configuration: `xinfang run` with no config file
// generates synthetic data, stores it in ./var/xinfang.duckdb and writes the
// report to ./var/reports/.
func Default() *Config {
	return &Config{
		TimeZone:   "Asia/Shanghai",
		Database:   "./var/xinfang.duckdb",
		ReportsDir: "./var/reports",
		Language:   "zh",
		Pseudonym:  Pseudonym{KeyFile: "./var/pseudonym.key"},
		Sources: []Source{{
			Name:      "synthetic",
			Kind:      "synthetic",
			Synthetic: Synthetic{Records: 300000, Seed: 20061, Years: 5},
		}},
		Metrics: Metrics{
			AcceptDays:             15,
			HandleDays:             60,
			FeedbackDays:           60,
			MaxExtensionDays:       30,
			DayBasis:               "calendar",
			TimelinessBasis:        "due",
			RepeatWindowDays:       365,
			CeasedWindowDays:       180,
			CollectiveMinHeadcount: 5,
			DueSoonDays:            5,
			TrendMonths:            36,
			TrendMinMonths:         24,
			TrendZ:                 1.645,
		},
		Veto: Veto{
			GradeCap: "合格",
			Rules: []VetoRule{
				{ID: "justified_complaints_unit", Metric: "justified_complaints", Op: ">=", Threshold: 3, Scope: "unit", Window: "year"},
				{ID: "justified_complaints_handler", Metric: "justified_complaints", Op: ">=", Threshold: 3, Scope: "handler", Window: "year"},
				{ID: "mass_incident_unit", Metric: "mass_incident", Op: ">=", Threshold: 1, Scope: "unit", Window: "year"},
			},
		},
		Appraisal: Appraisal{
			MinN: 5,
			Indicators: []Indicator{
				{ID: "on_time_rate", Weight: 25, Target: 100, Direction: "higher", K: 0.5},
				{ID: "acceptance_rate", Weight: 10, Target: 100, Direction: "higher", K: 0.5},
				{ID: "repeat_rate", Weight: 20, Target: 10, Direction: "lower", K: 1},
				{ID: "first_contact_rate", Weight: 15, Target: 90, Direction: "higher", K: 0.5},
				{ID: "feedback_rate", Weight: 10, Target: 100, Direction: "higher", K: 0.5},
				{ID: "followup_rate", Weight: 5, Target: 100, Direction: "higher", K: 0.25},
				{ID: "satisfaction_rate", Weight: 10, Target: 90, Direction: "higher", K: 0.5},
				{ID: "yoy_pct", Weight: 5, Target: 0, Direction: "lower", K: 0.25},
			},
			Grades:          []GradeBand{{Name: "优秀", Min: 90}, {Name: "良好", Min: 80}, {Name: "合格", Min: 60}, {Name: "不合格", Min: -1e9}},
			CommendMinGrade: "良好",
		},
		Targets: []Target{
			{Unit: "*", Metric: "volume_change_pct", Op: "<=", Value: -3},
			{Unit: "*", Metric: "on_time_rate", Op: ">=", Value: 0.95},
			{Unit: "*", Metric: "repeat_rate", Op: "<=", Value: 0.10},
		},
		Report: Report{Title: "", TopN: 10, Xlsx: true},
		Brief:  Brief{DocNumber: "信访通〔{year}〕{q}号"},
		Jobs: Jobs{
			Nightly:     "0 0 2 * * *",
			Quarterly:   "0 0 6 1 1,4,7,10 *",
			HourlyPull:  "",
			Retries:     3,
			Backoff:     30 * time.Second,
			GracePeriod: 60 * time.Second,
			CatchUp:     true,
		},
		Log:    LogConfig{Level: "info", Format: "text"},
		Serve:  Serve{Metrics: "loopback"},
		Auth:   Auth{SessionTTL: 8 * time.Hour},
		Alerts: defaultAlerts(),
		// Sized for a 2-core, 8 GB server that also renders the report in Chromium: a
		// 10M-record build stays inside 2GB by spilling to "<database>.tmp" (docs/PERFORMANCE.md).
		DuckDB: DuckDB{MemoryLimit: "2GB"},
	}
}
