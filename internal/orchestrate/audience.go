package orchestrate

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

//go:embed audience.sql
var audienceSQL string

// AudienceResult says what one audience's site holds.
type AudienceResult struct {
	ID       string
	Dir      string
	Pages    int
	Units    int // units in the audience's subtree
	Duration time.Duration
	// IndexOnly: after a review, only the site's index was rewritten to list the new
	// archive (its pages were current).
	IndexOnly bool
}

// String is the line `xinfang report` prints for the audience's site.
func (a AudienceResult) String() string {
	units := "every unit"
	if a.Units >= 0 {
		units = fmt.Sprintf("%d units", a.Units)
	}
	if a.IndexOnly {
		return fmt.Sprintf("audience %s: index refreshed to list the archive (its %d pages are current; %s) in %s: %s", a.ID, a.Pages, units, a.Duration.Round(time.Millisecond), filepath.Join(a.Dir, "index.html"))
	}
	return fmt.Sprintf("audience %s: %d pages (%s) in %s: %s", a.ID, a.Pages, units, a.Duration.Round(time.Millisecond), filepath.Join(a.Dir, "index.html"))
}

// recomputed are the marts made from other marts across units (peer medians and
// quantiles, inspection cut-offs, commendation candidates): in an audience they are
// built again, by the same SQL files, from the audience's own rows, so that no figure
// of a unit outside it enters them.
var recomputed = map[string]string{
	"_peer_quantiles.sql": "mart.peer_quantiles", "_inspection_priority.sql": "mart.inspection_priority",
	"_appraisal_peer_median.sql": "mart.appraisal_peer_median", "_commendation.sql": "mart.commendation_candidates",
}

// wholeTables have no unit in them and are shown to every audience as they are.
var wholeTables = map[string]bool{
	"main.sources": true, "main.ingest_batches": true, "main.field_coverage": true, "main.data_quality": true,
	"mart.build_info": true, "mart.periods": true, "mart.period_months": true, "mart.deadline_period_months": true,
	"mart.calendar": true, "mart.tracked": true, "mart.tracked_row": true,
}

// emptyTables hold rows that cannot be attributed to a unit, or aggregates that
// include units outside the audience (a campaign's "other" group and the whole
// system's weekly series): an audience sees none.
var emptyTables = map[string]bool{"main.rejected": true, "mart.campaign_groups": true, "mart.campaign_weekly": true}

// specialViews have a statement of their own in audience.sql.
var specialViews = map[string]string{
	"main.units": "units", "mart.units_known": "units_known", "mart.unit_ancestors": "unit_ancestors",
	"mart.appraisal": "appraisal", "mart.veto": "veto",
}

// skippedTables are never read by a report.
var skippedTables = map[string]bool{"main.job_runs": true, "main.schema_migrations": true}

// audienceDB is an in-memory DuckDB that attaches the database at path read-only as
// src and holds views of its tables restricted to the audience's subtree (see
// audience.sql). Tables it has no rule for are left out, so a page that reads one
// fails the render by name instead of showing other units' rows.
type audienceDB struct {
	*sql.DB
	connector driver.Connector
	units     int
	roots     []string
}

func openAudienceDB(ctx context.Context, path string, cfg *config.Config, a config.Audience, asOf time.Time) (*audienceDB, error) {
	tz := strings.ReplaceAll(cfg.TimeZone, "'", "")
	connector, err := duckdb.NewConnector("", func(execer driver.ExecerContext) error {
		_, err := execer.ExecContext(ctx, "SET TimeZone = '"+tz+"'", nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("audience %s: open in-memory database: %w", a.ID, err)
	}
	adb := &audienceDB{DB: sql.OpenDB(connector), connector: connector}
	if err := adb.build(ctx, path, cfg, a, asOf); err != nil {
		adb.Close()
		return nil, fmt.Errorf("audience %s: %w", a.ID, err)
	}
	return adb, nil
}

func (adb *audienceDB) build(ctx context.Context, path string, cfg *config.Config, a config.Audience, asOf time.Time) error {
	stmts, err := audienceStatements()
	if err != nil {
		return err
	}
	// One connection: the views are the instance's, but the variables the recomputed
	// SQL files read are the connection's.
	conn, err := adb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	exec := func(q string, args ...any) error {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("%w (query: %s)", err, oneLine(q))
		}
		return nil
	}
	if err := exec(`ATTACH ` + sqlString(path) + ` AS src (READ_ONLY)`); err != nil {
		return err
	}
	for _, q := range []string{`CREATE SCHEMA aud`, `CREATE SCHEMA mart`, `CREATE TABLE aud.listed (unit_id VARCHAR)`} {
		if err := exec(q); err != nil {
			return err
		}
	}
	for _, u := range a.Units {
		if err := exec(`INSERT INTO aud.listed VALUES (?)`, u); err != nil {
			return err
		}
	}
	if err := exec(stmts["subtree"]); err != nil {
		return err
	}
	var missing []string
	rows, err := conn.QueryContext(ctx, `SELECT unit_id FROM aud.listed WHERE unit_id NOT IN (SELECT unit_id FROM src.main.units) ORDER BY 1`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		missing = append(missing, u)
	}
	rows.Close()
	if len(missing) > 0 {
		return fmt.Errorf("units %s are not in the units table (audiences[].units names unit ids)", strings.Join(missing, ", "))
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM aud.units`).Scan(&adb.units); err != nil {
		return err
	}
	rrows, err := conn.QueryContext(ctx, `SELECT unit_id FROM aud.roots ORDER BY 1`)
	if err != nil {
		return err
	}
	for rrows.Next() {
		var u string
		if err := rrows.Scan(&u); err != nil {
			rrows.Close()
			return err
		}
		adb.roots = append(adb.roots, u)
	}
	rrows.Close()

	tables, err := srcTables(ctx, conn)
	if err != nil {
		return err
	}
	periodKind := "period"
	if len(adb.roots) > 1 {
		if err := adb.buildTotal(ctx, conn, cfg, asOf, stmts["total_copy"]); err != nil {
			return err
		}
		periodKind = "period_total"
	}
	skipRecomputed := map[string]bool{}
	for _, t := range recomputed {
		skipRecomputed[t] = true
	}
	files, err := recomputedFiles()
	if err != nil {
		return err
	}
	for _, t := range tables {
		name := t.schema + "." + t.name
		var kind string
		switch {
		case skippedTables[name], skipRecomputed[name], strings.HasPrefix(name, "main.") && !t.cols["unit_id"] && !wholeTables[name] && !emptyTables[name]:
			continue
		case specialViews[name] != "":
			kind = specialViews[name]
		case emptyTables[name]:
			kind = "empty"
		case wholeTables[name], strings.HasPrefix(name, "mart.cfg_") && !t.cols["unit_id"]:
			kind = "whole"
		case t.cols["unit_id"] && t.cols["rollup"]:
			kind = periodKind
		case t.cols["unit_id"]:
			kind = "unit"
		default:
			// No unit column and no rule: left out (a page reading it fails by name).
			slog.Debug("audience: table left out", "audience", a.ID, "table", name)
			continue
		}
		q := strings.NewReplacer("{{schema}}", quoteIdent(t.schema), "{{table}}", quoteIdent(t.name)).Replace(stmts[kind])
		if err := exec(q); err != nil {
			return fmt.Errorf("view %s: %w", name, err)
		}
	}
	if err := queries.SetParams(ctx, conn, cfg, asOf); err != nil {
		return err
	}
	for _, f := range files {
		if err := exec(f.SQL); err != nil {
			return fmt.Errorf("recompute %s within the audience: %w", f.Name, err)
		}
	}
	return nil
}

type srcTable struct {
	schema, name string
	cols         map[string]bool
}

// srcTables lists the attached database's tables of schemas main and mart.
func srcTables(ctx context.Context, conn *sql.Conn) ([]srcTable, error) {
	rows, err := conn.QueryContext(ctx, `SELECT table_schema, table_name, column_name FROM information_schema.columns
		WHERE table_catalog = 'src' AND table_schema IN ('main', 'mart') ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	m := map[string]*srcTable{}
	var order []string
	for rows.Next() {
		var s, t, c string
		if err := rows.Scan(&s, &t, &c); err != nil {
			return nil, err
		}
		k := s + "." + t
		if m[k] == nil {
			m[k] = &srcTable{schema: s, name: t, cols: map[string]bool{}}
			order = append(order, k)
		}
		m[k].cols[c] = true
	}
	out := make([]srcTable, 0, len(order))
	for _, k := range order {
		out = append(out, *m[k])
	}
	return out, rows.Err()
}

func recomputedFiles() ([]queries.File, error) {
	all, err := queries.Files()
	if err != nil {
		return nil, err
	}
	var out []queries.File
	for suffix := range recomputed {
		found := false
		for _, f := range all {
			if strings.HasSuffix(f.Name, suffix) {
				out = append(out, f)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no queries/sql/*%s to recompute within an audience", suffix)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// audienceStatements splits audience.sql at its "-- name: X" lines.
func audienceStatements() (map[string]string, error) {
	out := map[string]string{}
	name := ""
	var b strings.Builder
	flush := func() {
		if name != "" {
			out[name] = strings.TrimSpace(b.String())
		}
		b.Reset()
	}
	for _, line := range strings.Split(audienceSQL, "\n") {
		if n, ok := strings.CutPrefix(line, "-- name: "); ok {
			flush()
			name = strings.TrimSpace(n)
			continue
		}
		b.WriteString(line + "\n")
	}
	flush()
	for _, k := range []string{"subtree", "period", "period_total", "total_copy", "unit", "whole", "empty", "units", "units_known", "unit_ancestors", "appraisal", "veto"} {
		if out[k] == "" {
			return nil, fmt.Errorf("audience.sql: no statement %q", k)
		}
	}
	return out, nil
}

// allUnits reports whether the audience is the whole system.
func allUnits(a config.Audience) bool {
	for _, u := range a.Units {
		if u == "*" {
			return true
		}
	}
	return false
}

// audienceDir is reports_dir/<id>.
func audienceDir(reportsDir string, a config.Audience) string { return filepath.Join(reportsDir, a.ID) }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// renderAudiences renders every configured audience's live site into
// <outDir>/<id>/ from the marts in db as of asOf. Each is published atomically by
// report.Render, as the whole system's site is. With indexOnly (after a review) a site
// whose pages are current only gets its index rewritten (report.RefreshIndex).
func renderAudiences(ctx context.Context, db *store.DB, cfg *config.Config, asOf time.Time, outDir string, indexOnly bool) ([]AudienceResult, error) {
	if len(cfg.Audiences) == 0 {
		return nil, nil
	}
	if outDir == "" {
		outDir = cfg.ReportsDir
	}
	if err := checkpoint(ctx, db); err != nil {
		return nil, err
	}
	var out []AudienceResult
	for _, a := range cfg.Audiences {
		start := time.Now()
		dir := audienceDir(outDir, a)
		acfg := audienceConfig(cfg, a)
		var rr *report.Result
		var units int
		err := withAudienceDB(ctx, db, cfg, a, asOf, func(adb *sql.DB, n int) error {
			units = n
			ro := report.Options{AsOf: asOf, OutDir: dir, AllLabel: allLabel(a)}
			if indexOnly {
				r, ok, err := report.RefreshIndex(ctx, adb, acfg, ro)
				if err != nil || ok {
					rr = r
					return err
				}
			}
			var err error
			rr, err = report.Render(ctx, adb, acfg, ro)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("report for audience %s: %w", a.ID, err)
		}
		res := AudienceResult{ID: a.ID, Dir: dir, Pages: rr.Pages, Units: units, Duration: time.Since(start), IndexOnly: rr.IndexOnly}
		slog.Info("audience site rendered", "audience", a.ID, "dir", dir, "units", units, "pages", rr.Pages, "took", res.Duration.Round(time.Millisecond))
		out = append(out, res)
	}
	return out, nil
}

// withAudienceDB calls f with a database showing only the audience's subtree of
// db (db itself for "*"), and the number of units it holds (-1 for "*").
func withAudienceDB(ctx context.Context, db *store.DB, cfg *config.Config, a config.Audience, asOf time.Time, f func(*sql.DB, int) error) error {
	if allUnits(a) {
		return f(db.DB, -1)
	}
	if db.Path == "" || db.Path == ":memory:" {
		return fmt.Errorf("an audience's site is read from the database file, and this database is in memory")
	}
	adb, err := openAudienceDB(ctx, db.Path, cfg, a, asOf)
	if err != nil {
		return err
	}
	defer adb.Close()
	return f(adb.DB, adb.units)
}

// audienceConfig is cfg with the audience's title on its site.
func audienceConfig(cfg *config.Config, a config.Audience) *config.Config {
	c := *cfg
	if a.Title != "" {
		c.Report.Title = a.Title
	}
	return &c
}

// checkpoint writes a writable database's WAL into its file, so that the read-only
// ATTACH of an audience's in-memory database sees the marts just committed.
func checkpoint(ctx context.Context, db *store.DB) error {
	if _, err := db.ExecContext(ctx, `CHECKPOINT`); err != nil && !strings.Contains(err.Error(), "read-only") {
		return fmt.Errorf("checkpoint before the audience sites: %w", err)
	}
	return nil
}

// reviewAudiences archives the quarter's review of every audience into
// <outDir>/<id>/archive/<quarter>/ from the review's own database rdb (marts as of
// the quarter's end). An audience's archive is never overwritten: one that exists is
// left as it is. The Parquet snapshot and the 情况通报 stay with the whole system's
// archive: they are drawn from every unit's marts.
func reviewAudiences(ctx context.Context, rdb *store.DB, cfg *config.Config, quarter string, end time.Time, outDir string, say func(string, ...any)) ([]string, error) {
	if len(cfg.Audiences) == 0 {
		return nil, nil
	}
	if err := checkpoint(ctx, rdb); err != nil {
		return nil, err
	}
	var done []string
	for _, a := range cfg.Audiences {
		live := audienceDir(outDir, a)
		if archive.Exists(live, quarter) {
			say("audience %s: %s exists and is never overwritten", a.ID, archive.Dir(live, quarter))
			continue
		}
		if err := os.MkdirAll(archive.Root(live), 0o755); err != nil {
			return done, fmt.Errorf("quarterly review of audience %s: %w", a.ID, err)
		}
		removeStaleTemps(archive.Root(live), "."+quarter+".tmp-")
		tmp, err := os.MkdirTemp(archive.Root(live), "."+quarter+".tmp-")
		if err != nil {
			return done, fmt.Errorf("quarterly review of audience %s: %w", a.ID, err)
		}
		say("rendering audience %s's review", a.ID)
		err = withAudienceDB(ctx, rdb, cfg, a, end, func(adb *sql.DB, _ int) error {
			_, err := report.RenderReview(ctx, adb, audienceConfig(cfg, a), report.ReviewOptions{Quarter: quarter, Dir: tmp, LiveDir: live, AllLabel: allLabel(a)})
			return err
		})
		if err == nil {
			err = os.Chmod(tmp, 0o755)
		}
		if err == nil {
			// A rename refuses a non-empty target: an archive made meanwhile is kept.
			err = os.Rename(tmp, archive.Dir(live, quarter))
		}
		if err != nil {
			os.RemoveAll(tmp)
			return done, fmt.Errorf("quarterly review of audience %s: %w", a.ID, err)
		}
		done = append(done, a.ID)
	}
	return done, nil
}

// audienceIDs are the audiences' folders inside the whole system's site, which its
// publication carries over.
func audienceIDs(cfg *config.Config) []string {
	var ids []string
	for _, a := range cfg.Audiences {
		ids = append(ids, a.ID)
	}
	return ids
}

// buildTotal builds, for an audience with several roots, the marts of its records
// alone in an in-memory catalog tot of the same instance (queries.Build through
// connections whose default catalog is tot): their 'ALL' rows are the audience's
// total. The units' own rows still come from the database's marts, so that a unit's
// figures are the same in every site.
func (adb *audienceDB) buildTotal(ctx context.Context, conn *sql.Conn, cfg *config.Config, asOf time.Time, copySQL string) error {
	if _, err := conn.ExecContext(ctx, `ATTACH ':memory:' AS tot`); err != nil {
		return fmt.Errorf("audience total: %w", err)
	}
	tot := sql.OpenDB(useCatalog{inner: adb.connector, catalog: "tot"})
	defer tot.Close()
	if err := store.Migrate(ctx, tot); err != nil {
		return fmt.Errorf("audience total: %w", err)
	}
	if _, err := conn.ExecContext(ctx, copySQL); err != nil {
		return fmt.Errorf("audience total: copy its records: %w", err)
	}
	if _, err := queries.Build(ctx, tot, cfg, asOf); err != nil {
		return fmt.Errorf("audience total: %w", err)
	}
	return nil
}

// useCatalog opens connections of inner's instance whose default catalog is catalog.
type useCatalog struct {
	inner   driver.Connector
	catalog string
}

func (c useCatalog) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := dc.(driver.ExecerContext).ExecContext(ctx, "USE "+quoteIdent(c.catalog), nil); err != nil {
		dc.Close()
		return nil, err
	}
	return dc, nil
}

func (c useCatalog) Driver() driver.Driver { return c.inner.Driver() }

// allLabel names an audience's whole (its title, else its id) where the whole
// system's site says 全系统; the "*" audience is the whole system.
func allLabel(a config.Audience) string {
	if allUnits(a) {
		return ""
	}
	if a.Title != "" {
		return a.Title
	}
	return a.ID
}
