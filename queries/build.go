// Package queries builds the mart schema: the metric SQL lives in sql/*.sql (one
// file per metric, run in file-name order) and this Go only sets parameters, writes
// the config tables and runs the files in one transaction.
package queries

import (
	"context"
	"database/sql"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/xinfang/xinfang/config"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// File is one embedded SQL file.
type File struct {
	Name string
	SQL  string
}

// Files returns the embedded SQL files in run order.
func Files() ([]File, error) {
	entries, err := fs.ReadDir(sqlFS, "sql")
	if err != nil {
		return nil, fmt.Errorf("read embedded sql: %w", err)
	}
	var out []File
	for _, e := range entries {
		b, err := sqlFS.ReadFile("sql/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		out = append(out, File{Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Result says what a build did.
type Result struct {
	AsOf     time.Time
	Tables   []TableCount
	Duration time.Duration
	Steps    []StepTiming
}

// TableCount is a mart table and its row count.
type TableCount struct {
	Name string
	Rows int64
}

// StepTiming is how long one SQL file took.
type StepTiming struct {
	File     string
	Duration time.Duration
}

// Build recreates every mart table as of asOf. It runs in one transaction: a
// failure leaves the previous marts untouched.
func Build(ctx context.Context, db *sql.DB, cfg *config.Config, asOf time.Time) (*Result, error) {
	start := time.Now()
	files, err := Files()
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("compute: get connection: %w", err)
	}
	defer conn.Close()
	if err := SetParams(ctx, conn, cfg, asOf); err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("compute: begin: %w", err)
	}
	defer tx.Rollback()
	if err := writeConfigTables(ctx, tx, cfg); err != nil {
		return nil, err
	}
	if err := writeCampaignParams(ctx, tx, cfg); err != nil {
		return nil, err
	}
	res := &Result{AsOf: asOf}
	for _, f := range files {
		t0 := time.Now()
		if _, err := tx.ExecContext(ctx, f.SQL); err != nil {
			return nil, fmt.Errorf("compute %s: %w", f.Name, err)
		}
		res.Steps = append(res.Steps, StepTiming{File: f.Name, Duration: time.Since(t0)})
		slog.Debug("mart step", "file", f.Name, "took", time.Since(t0))
	}
	if err := writeBuildInfo(ctx, tx, cfg, asOf); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("compute: commit: %w", err)
	}
	res.Tables, err = MartTables(ctx, db)
	if err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// SetParams sets the DuckDB variables the SQL files read with getvariable().
// Exposed so that the benchmark and tests can run the same files directly.
func SetParams(ctx context.Context, conn *sql.Conn, cfg *config.Config, asOf time.Time) error {
	m := cfg.Metrics
	vars := []struct {
		name string
		expr string
	}{
		{"as_of", fmt.Sprintf("DATE '%s'", asOf.Format("2006-01-02"))},
		{"accept_days", fmt.Sprint(m.AcceptDays)},
		{"handle_days", fmt.Sprint(m.HandleDays)},
		{"feedback_days", fmt.Sprint(m.FeedbackDays)},
		{"max_extension_days", fmt.Sprint(m.MaxExtensionDays)},
		{"repeat_window_days", fmt.Sprint(m.RepeatWindowDays)},
		{"ceased_window_days", fmt.Sprint(m.CeasedWindowDays)},
		{"collective_min_headcount", fmt.Sprint(m.CollectiveMinHeadcount)},
		{"due_soon_days", fmt.Sprint(m.DueSoonDays)},
		{"trend_months", fmt.Sprint(m.TrendMonths)},
		{"trend_min_months", fmt.Sprint(m.TrendMinMonths)},
		{"trend_z", fmt.Sprintf("%g::DOUBLE", m.TrendZ)},
		{"day_basis", sqlString(m.DayBasis)},
		{"timeliness_basis", sqlString(m.TimelinessBasis)},
		{"min_n", fmt.Sprint(cfg.Appraisal.MinN)},
		{"grade_cap", sqlString(cfg.Veto.GradeCap)},
	}
	for _, v := range vars {
		if _, err := conn.ExecContext(ctx, "SET VARIABLE "+v.name+" = "+v.expr); err != nil {
			return fmt.Errorf("compute: set %s: %w", v.name, err)
		}
	}
	return nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// writeConfigTables writes the config lists the SQL reads as mart.cfg_* tables.
func writeConfigTables(ctx context.Context, tx execer, cfg *config.Config) error {
	stmts := []string{
		`CREATE SCHEMA IF NOT EXISTS mart`,
		`CREATE OR REPLACE TABLE mart.cfg_veto_rules (rule_id VARCHAR, metric VARCHAR, op VARCHAR, threshold DOUBLE, scope VARCHAR, "window" VARCHAR)`,
		`CREATE OR REPLACE TABLE mart.cfg_indicators (indicator VARCHAR, weight DOUBLE, target DOUBLE, direction VARCHAR, k DOUBLE, ord INTEGER)`,
		`CREATE OR REPLACE TABLE mart.cfg_grades (grade VARCHAR, min_score DOUBLE, ord INTEGER)`,
		`CREATE OR REPLACE TABLE mart.cfg_targets (unit_id VARCHAR, year INTEGER, metric VARCHAR, op VARCHAR, value DOUBLE, ord INTEGER)`,
		`CREATE OR REPLACE TABLE mart.cfg_calendar (d DATE, kind VARCHAR)`,
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("compute: config tables: %w", err)
		}
	}
	for _, r := range cfg.Veto.Rules {
		w := r.Window
		if w == "" {
			w = "year"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_veto_rules VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.Metric, r.Op, r.Threshold, r.Scope, w); err != nil {
			return fmt.Errorf("compute: veto rule %s: %w", r.ID, err)
		}
	}
	for i, ind := range cfg.Appraisal.Indicators {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_indicators VALUES (?, ?, ?, ?, ?, ?)`, ind.ID, ind.Weight, ind.Target, ind.Direction, ind.K, i); err != nil {
			return fmt.Errorf("compute: indicator %s: %w", ind.ID, err)
		}
	}
	for i, g := range cfg.Appraisal.Grades {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_grades VALUES (?, ?, ?)`, g.Name, g.Min, i); err != nil {
			return fmt.Errorf("compute: grade %s: %w", g.Name, err)
		}
	}
	for i, t := range cfg.Targets {
		var year any
		if t.Year != 0 {
			year = t.Year
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_targets VALUES (?, ?, ?, ?, ?, ?)`, t.Unit, year, t.Metric, t.Op, t.Value, i); err != nil {
			return fmt.Errorf("compute: target %d: %w", i, err)
		}
	}
	if cfg.Metrics.HolidayFile != "" {
		days, err := ReadHolidayFile(cfg.Metrics.HolidayFile)
		if err != nil {
			return err
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO mart.cfg_calendar VALUES (?::DATE, ?)`, d.Date, d.Kind); err != nil {
				return fmt.Errorf("compute: holiday %s: %w", d.Date, err)
			}
		}
	}
	return nil
}

// CalendarDay is one line of the holiday calendar file.
type CalendarDay struct {
	Date string // YYYY-MM-DD
	Kind string // holiday | workday (a make-up working day, 调休)
	Name string
}

// ReadHolidayFile reads the holiday calendar: CSV with a header `date,kind[,name]`,
// kind `holiday` (a non-working weekday) or `workday` (a working weekend day, 调休).
// Lines starting with # are comments. Saturdays and Sundays are non-working unless listed
// as workday.
func ReadHolidayFile(path string) ([]CalendarDay, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("holiday file: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	var out []CalendarDay
	line := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("holiday file %s: %w", path, err)
		}
		line++
		if line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "date") {
			continue
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("holiday file %s:%d: want date,kind", path, line)
		}
		d := strings.TrimSpace(rec[0])
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return nil, fmt.Errorf("holiday file %s:%d: date %q: want YYYY-MM-DD", path, line, d)
		}
		k := strings.ToLower(strings.TrimSpace(rec[1]))
		switch k {
		case "holiday", "休", "假":
			k = "holiday"
		case "workday", "班", "调休":
			k = "workday"
		default:
			return nil, fmt.Errorf("holiday file %s:%d: kind %q: want holiday or workday", path, line, rec[1])
		}
		cd := CalendarDay{Date: d, Kind: k}
		if len(rec) > 2 {
			cd.Name = strings.TrimSpace(rec[2])
		}
		out = append(out, cd)
	}
	return out, nil
}

// MartTables lists the mart tables with their row counts (config tables excluded).
func MartTables(ctx context.Context, db *sql.DB) ([]TableCount, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema = 'mart' AND table_name NOT LIKE 'cfg\_%' ESCAPE '\' ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("list mart tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	var out []TableCount
	for _, n := range names {
		var c int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM mart."`+n+`"`).Scan(&c); err != nil {
			return nil, fmt.Errorf("count mart.%s: %w", n, err)
		}
		out = append(out, TableCount{Name: n, Rows: c})
	}
	return out, nil
}
