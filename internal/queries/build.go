// Package queries builds the mart schema: the metric SQL lives in sql/*.sql (one
// file per metric, run in file-name order) and this Go only sets parameters, writes
// the config tables, runs the files into a staging schema and swaps it in.
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
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
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

// Build recreates every mart table as of asOf. The SQL files write into a fresh staging
// schema (their "mart." names are pointed there), statement by statement, not in one giant
// transaction; one short transaction then points the views in mart at the new tables.
// Readers therefore see either the whole previous build or the whole new one, and a
// failure or a crash leaves the previous marts untouched (a half-built staging schema is
// dropped by the next build).
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
	// DuckDB gets its share of the process's memory budget while it builds (the limit is
	// the database's, so it is restored after).
	if b, ok := cfg.DuckDB.Budget(); ok {
		if _, err := conn.ExecContext(ctx, b.DuckDBSetting()); err != nil {
			return nil, fmt.Errorf("compute: memory budget: %w", err)
		}
		defer func() {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if _, err := conn.ExecContext(rctx, cfg.DuckDB.RestoreSetting()); err != nil {
				slog.Warn("could not restore DuckDB's memory limit after the build", "err", err)
			}
		}()
	}
	live, stage, err := stagingSchemas(ctx, conn)
	if err != nil {
		return nil, err
	}
	if err := dropBuild(ctx, conn, stage); err != nil {
		return nil, err
	}
	for _, s := range []string{"CREATE SCHEMA " + stage, "CREATE SCHEMA IF NOT EXISTS mart"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("compute: staging schema %s: %w", stage, err)
		}
	}
	if err := writeConfigTables(ctx, conn, cfg, stage); err != nil {
		return nil, err
	}
	if err := writeCampaignParams(ctx, schemaExecer{conn, stage}, cfg); err != nil {
		return nil, err
	}
	res := &Result{AsOf: asOf}
	for _, f := range files {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, InSchema(f.SQL, stage)); err != nil {
			return nil, fmt.Errorf("compute %s: %w", f.Name, err)
		}
		res.Steps = append(res.Steps, StepTiming{File: f.Name, Duration: time.Since(t0)})
		slog.Debug("mart step", "file", f.Name, "took", time.Since(t0))
	}
	// build_info goes into the staging schema, so it swaps in with the marts it describes.
	counts, err := writeBuildInfo(ctx, conn, cfg, asOf, stage)
	if err != nil {
		return nil, err
	}
	if err := swap(ctx, conn, stage); err != nil {
		return nil, err
	}
	if live != "" {
		// The previous build's tables: no view points at them any more.
		if err := dropBuild(ctx, conn, live); err != nil {
			return nil, fmt.Errorf("compute: drop previous build: %w", err)
		}
	}
	res.Tables = counts
	res.Duration = time.Since(start)
	return res, nil
}

// The two schemas builds alternate between: mart holds only views onto one of them.
var buildSchemas = [2]string{"mart_build_a", "mart_build_b"}

var martRef = regexp.MustCompile(`\bmart\.`)

// codeTypePrefix begins the names of the ENUM types a build makes for its coded text
// columns. They are kept in the main schema (see 000_base.sql), one set per build
// schema: InSchema renames them after the schema, and dropBuild drops them with it.
const codeTypePrefix = "mart_code_"

var codeTypeRef = regexp.MustCompile(`\b` + codeTypePrefix)

// InSchema points the "mart." names of a SQL file at schema, and its code types at
// that schema's own.
func InSchema(sqlText, schema string) string {
	return codeTypeRef.ReplaceAllString(martRef.ReplaceAllString(sqlText, schema+"."), schema+"_code_")
}

// dropBuild drops a build schema and its code types.
func dropBuild(ctx context.Context, conn *sql.Conn, schema string) error {
	if _, err := conn.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		return fmt.Errorf("compute: drop build schema %s: %w", schema, err)
	}
	types, err := objectNames(ctx, conn, `SELECT type_name FROM duckdb_types()
		WHERE database_name = current_database() AND schema_name = 'main' AND starts_with(type_name, ?)`, schema+"_code_")
	if err != nil {
		return err
	}
	for _, t := range types {
		if _, err := conn.ExecContext(ctx, `DROP TYPE IF EXISTS main."`+t+`"`); err != nil {
			return fmt.Errorf("compute: drop type %s of build schema %s: %w", t, schema, err)
		}
	}
	return nil
}

// stagingSchemas returns the build schema the mart views point at now ("" when none) and
// the other one, to build into.
func stagingSchemas(ctx context.Context, conn *sql.Conn) (live, stage string, err error) {
	var n int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views()
		WHERE schema_name = 'mart' AND NOT internal AND sql LIKE '%'||?||'.%'`, buildSchemas[0]).Scan(&n)
	if err != nil {
		return "", "", fmt.Errorf("compute: find the live build: %w", err)
	}
	if n > 0 {
		return buildSchemas[0], buildSchemas[1], nil
	}
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views()
		WHERE schema_name = 'mart' AND NOT internal AND sql LIKE '%'||?||'.%'`, buildSchemas[1]).Scan(&n)
	if err != nil {
		return "", "", fmt.Errorf("compute: find the live build: %w", err)
	}
	if n > 0 {
		return buildSchemas[1], buildSchemas[0], nil
	}
	return "", buildSchemas[0], nil
}

// swap points mart.<name> at stage.<name> for every table and view of the new build, in
// one transaction of catalog changes only. Mart tables of the same names (a database built
// before staging) are dropped; views onto the previous build that this one no longer makes
// are dropped; other mart objects are left alone.
func swap(ctx context.Context, conn *sql.Conn, stage string) error {
	names, err := objectNames(ctx, conn, `SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`, stage)
	if err != nil {
		return err
	}
	tables, err := objectNames(ctx, conn, `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart' AND database_name = current_database()`)
	if err != nil {
		return err
	}
	views, err := objectNames(ctx, conn, `SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart' AND NOT internal
		AND database_name = current_database() AND (sql LIKE '%'||?||'.%' OR sql LIKE '%'||?||'.%')`, buildSchemas[0], buildSchemas[1])
	if err != nil {
		return err
	}
	isTable, isView, isNew := set(tables), set(views), set(names)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("compute: begin swap: %w", err)
	}
	defer tx.Rollback()
	var stmts []string
	for _, v := range views {
		if !isNew[v] {
			stmts = append(stmts, `DROP VIEW IF EXISTS mart."`+v+`"`)
		}
	}
	for _, n := range names {
		if isTable[n] {
			stmts = append(stmts, `DROP TABLE mart."`+n+`"`)
		}
		if isView[n] || !isTable[n] {
			stmts = append(stmts, `CREATE OR REPLACE VIEW mart."`+n+`" AS SELECT * FROM `+stage+`."`+n+`"`)
		} else {
			stmts = append(stmts, `CREATE VIEW mart."`+n+`" AS SELECT * FROM `+stage+`."`+n+`"`)
		}
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("compute: swap: %s: %w", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("compute: commit swap: %w", err)
	}
	return nil
}

func objectNames(ctx context.Context, conn *sql.Conn, q string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("compute: list objects: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("compute: list objects: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
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
		{"commend_min_grade", sqlString(cfg.Appraisal.CommendMinGrade)},
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

// writeConfigTables writes the config lists the SQL reads as mart.cfg_* tables (in the
// schema being built).
func writeConfigTables(ctx context.Context, ex execer, cfg *config.Config, schema string) error {
	tx := schemaExecer{ex, schema}
	stmts := []string{
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

// schemaExecer points the "mart." names of each statement at a schema.
type schemaExecer struct {
	ex     execer
	schema string
}

func (s schemaExecer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.ex.ExecContext(ctx, InSchema(query, s.schema), args...)
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
