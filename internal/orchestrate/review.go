package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/archive"
	"github.com/xinfang/xinfang/internal/brief"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/report"
	"github.com/xinfang/xinfang/internal/store"
)

// ReviewOptions selects the quarterly review to archive.
type ReviewOptions struct {
	Quarter string    // "2026-Q3"
	AsOf    time.Time // the live as-of date: a quarter not over by then is refused
	OutDir  string    // reports folder (default cfg.ReportsDir)
	// Progress receives one line per step (nil = none): a review of a large
	// database takes minutes and should not look hung.
	Progress io.Writer
	// NoBrief leaves out the quarterly 情况通报 (DOCX) otherwise written beside the pages.
	NoBrief bool
}

// ReviewResult says what a review archived.
type ReviewResult struct {
	Quarter string
	Dir     string // archive/<quarter>
	Index   string
	Pages   int
	Marts   []queries.TableCount // the review's marts, as snapshotted in Dir/marts/
	// Audiences are the audiences' archives of the quarter written by this review.
	Audiences []string
	Duration  time.Duration
}

// skipTables stay behind when a review copies the stored tables into its own
// database: every other table of the schema (the raw records, units, sources,
// batches, rejected rows) is read by the marts or the report.
var skipTables = map[string]bool{"job_runs": true, "schema_migrations": true}

// Review archives the quarterly review of opt.Quarter into
// <reports>/archive/<quarter>/ with a Parquet snapshot of its marts in marts/.
//
// The review's marts are built in a DuckDB file of their own beside the database
// (the stored tables copied into it from db), never in db's live mart
// schema: a crash at any point leaves the live marts and the published site as
// they were, and leaves only temporary files, which the next review of the
// quarter removes. db is only read, so a read-only open is enough.
func Review(ctx context.Context, db *store.DB, cfg *config.Config, opt ReviewOptions) (*ReviewResult, error) {
	start := time.Now()
	if opt.OutDir == "" {
		opt.OutDir = cfg.ReportsDir
	}
	_, end, err := archive.ParseQuarter(opt.Quarter)
	if err != nil {
		return nil, err
	}
	dir := archive.Dir(opt.OutDir, opt.Quarter)
	if archive.Exists(opt.OutDir, opt.Quarter) {
		return nil, fmt.Errorf("%w: %s exists and is never overwritten", archive.ErrArchived, dir)
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = cfg.AsOfDate()
	}
	asOf := time.Date(opt.AsOf.Year(), opt.AsOf.Month(), opt.AsOf.Day(), 0, 0, 0, 0, time.UTC)
	if end.After(asOf) {
		return nil, fmt.Errorf("quarter %s is not over yet (it ends %s, the as-of date is %s)", opt.Quarter, end.Format("2006-01-02"), asOf.Format("2006-01-02"))
	}
	say := func(format string, args ...any) {
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "review %s: "+format+"\n", append([]any{opt.Quarter}, args...)...)
		}
	}

	dbPath := reviewDBPath(db, opt.Quarter)
	removeStaleReviewDB(dbPath)
	defer removeReviewDB(dbPath)
	say("copying the stored records into %s", dbPath)
	rdb, err := copyRaw(ctx, db, cfg, dbPath)
	if err != nil {
		return nil, err
	}
	defer rdb.Close()
	say("building the marts as of %s", end.Format("2006-01-02"))
	built, err := queries.Build(ctx, rdb.DB, cfg, end)
	if err != nil {
		return nil, fmt.Errorf("quarterly review: build marts as of %s: %w", end.Format("2006-01-02"), err)
	}

	if err := report.MkSiteDir(archive.Root(opt.OutDir)); err != nil {
		return nil, fmt.Errorf("quarterly review: create archive folder: %w", err)
	}
	removeStaleTemps(archive.Root(opt.OutDir), "."+opt.Quarter+".tmp-")
	tmp, err := os.MkdirTemp(archive.Root(opt.OutDir), "."+opt.Quarter+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("quarterly review: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure
	say("rendering the review")
	rr, err := report.RenderReview(ctx, rdb.DB, cfg, report.ReviewOptions{Quarter: opt.Quarter, Dir: tmp, LiveDir: opt.OutDir})
	if err != nil {
		return nil, err
	}
	say("writing the Parquet snapshot of its marts")
	if err := snapshotMarts(ctx, rdb, filepath.Join(tmp, archive.MartsDir)); err != nil {
		return nil, err
	}
	if !opt.NoBrief {
		say("writing the 情况通报")
		if _, err := brief.Write(ctx, rdb.DB, cfg, opt.Quarter, brief.Options{Dir: tmp}); err != nil {
			return nil, fmt.Errorf("quarterly review: %w", err)
		}
	}
	if err := report.ApplySiteModes(tmp); err != nil { // served: the site's modes, not the database's 0600
		return nil, fmt.Errorf("quarterly review: %w", err)
	}
	// Rename refuses a non-empty target, so a concurrent archive of the same quarter is not overwritten.
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("%w: publish %s: %v", archive.ErrArchived, dir, err)
	}
	res := &ReviewResult{Quarter: opt.Quarter, Dir: dir, Index: filepath.Join(dir, "index.html"), Pages: rr.Pages, Marts: built.Tables}
	if res.Audiences, err = reviewAudiences(ctx, rdb, cfg, opt.Quarter, end, opt.OutDir, say); err != nil {
		return res, err
	}
	res.Duration = time.Since(start)
	say("archived %d pages in %s (%s)", rr.Pages, dir, res.Duration.Round(time.Millisecond))
	slog.Info("quarterly review archived", "quarter", opt.Quarter, "dir", dir, "pages", rr.Pages)
	return res, nil
}

// reviewDBPath is the review's own database, beside the live one (same file
// system, so no surprise on a small /tmp), or in the temp folder for an in-memory db.
func reviewDBPath(db *store.DB, quarter string) string {
	p := db.Path
	if p == "" || p == ":memory:" {
		p = filepath.Join(os.TempDir(), "xinfang.duckdb")
	}
	return filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".review-"+quarter+".duckdb")
}

// removeStaleReviewDB removes a review database left by a killed review of the
// same quarter — unless its writer lock is held, i.e. a review is running now (its
// own open then fails with a message naming the holder).
func removeStaleReviewDB(path string) {
	lock, err := store.AcquireWriterLock(path, "stale review cleanup")
	if err != nil {
		return
	}
	os.RemoveAll(path + ".staging")
	os.Remove(path)
	os.Remove(path + ".wal")
	lock.Release()
}

func removeReviewDB(path string) {
	os.RemoveAll(path + ".staging")
	os.Remove(path)
	os.Remove(path + ".wal")
	os.Remove(path + ".lock")
}

// removeStaleTemps removes half-rendered review folders a killed review left.
func removeStaleTemps(dir, prefix string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// copyRaw creates the review database (with the schema migrations) and copies the
// stored tables into it. A live database opened read-only (as `report` opens it) is
// copied as a file (copyFile). Otherwise the stored tables go, without their keys,
// through Parquet files in a staging folder beside it rather than ATTACH: a database
// opened read-only can only attach other databases read-only, and the Parquet round
// trip keeps every type DuckDB to DuckDB.
func copyRaw(ctx context.Context, db *store.DB, cfg *config.Config, path string) (rdb *store.DB, err error) {
	if db.ReadOnly() && db.Path != "" && db.Path != ":memory:" {
		return copyFile(ctx, db, cfg, path)
	}
	staging := path + ".staging"
	if err := os.RemoveAll(staging); err != nil {
		return nil, fmt.Errorf("quarterly review: %w", err)
	}
	if err := os.MkdirAll(staging, 0o700); err != nil {
		return nil, fmt.Errorf("quarterly review: %w", err)
	}
	defer os.RemoveAll(staging)
	rdb, err = store.Open(ctx, path, StoreOptions(cfg, "quarterly review"))
	if err != nil {
		return nil, fmt.Errorf("quarterly review: create its database: %w", err)
	}
	defer func() {
		if err != nil {
			rdb.Close()
			rdb = nil
		}
	}()
	tables, err := mainTables(ctx, rdb)
	if err != nil {
		return nil, err
	}
	live, err := mainTables(ctx, db)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, t := range live {
		have[t] = true
	}
	for _, t := range tables {
		if skipTables[t] || !have[t] {
			continue
		}
		f := sqlQuote(filepath.Join(staging, t+".parquet"))
		if _, err := db.ExecContext(ctx, `COPY (SELECT * FROM main."`+t+`") TO `+f+` (FORMAT parquet)`); err != nil {
			return nil, fmt.Errorf("quarterly review: copy %s out: %w", t, err)
		}
		// The copies carry no keys: nothing is upserted into them, and maintaining the
		// petitions key cost about 0.3 s of the copy's 1.16 s on the defaults. A table
		// made from the migrated one keeps its column types (not its FSST declarations,
		// which only save time on large loads).
		for _, q := range []string{
			`CREATE TABLE main."` + t + `__review" AS FROM main."` + t + `" LIMIT 0`,
			`INSERT INTO main."` + t + `__review" BY NAME SELECT * FROM read_parquet(` + f + `)`,
			`DROP TABLE main."` + t + `"`,
			`ALTER TABLE main."` + t + `__review" RENAME TO "` + t + `"`,
		} {
			if _, err := rdb.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("quarterly review: copy %s in: %w", t, err)
			}
		}
	}
	return rdb, nil
}

// copyFile makes the review database a byte copy of the live file (and of its WAL, if a
// writer left one), taken under the review database's writer lock. Only for a live
// database opened read-only: DuckDB's shared lock then refuses every writer, so the
// file cannot change while it is copied. On the defaults it took 0.2 s where the
// Parquet round trip took 0.7 s. The copy carries the live marts too; the review's
// build replaces them like any rebuild.
func copyFile(ctx context.Context, db *store.DB, cfg *config.Config, path string) (*store.DB, error) {
	lock, err := store.AcquireWriterLock(path, "quarterly review")
	if err != nil {
		return nil, fmt.Errorf("quarterly review: %w", err)
	}
	for _, suffix := range []string{"", ".wal"} {
		if err := copyRegular(db.Path+suffix, path+suffix, suffix == ".wal"); err != nil {
			lock.Release()
			return nil, fmt.Errorf("quarterly review: copy the database: %w", err)
		}
	}
	o := StoreOptions(cfg, "quarterly review")
	o.HeldLock = lock
	rdb, err := store.Open(ctx, path, o)
	if err != nil {
		return nil, fmt.Errorf("quarterly review: open its database: %w", err)
	}
	return rdb, nil
}

// copyRegular copies the file src to dst (mode 0600: it holds the records); a missing
// src is no error when optional.
func copyRegular(src, dst string, optional bool) error {
	in, err := os.Open(src)
	if optional && errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func mainTables(ctx context.Context, db *store.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("quarterly review: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// snapshotMarts writes every table of the mart schema (config tables included, so
// the snapshot says which rules it was scored with) to dir/<table>.parquet.
// recordLevelStaging are the build's per-record staging tables: one row per petition,
// not figures a review was drawn from, so they stay out of the archive (which the
// report server serves).
var recordLevelStaging = map[string]bool{"records": true, "record_deadlines": true, "record_rows": true}

func snapshotMarts(ctx context.Context, db *store.DB, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("quarterly review: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'mart' ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("quarterly review: list marts: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if len(names) == 0 {
		return errors.New("quarterly review: no mart tables to snapshot")
	}
	for _, n := range names {
		if recordLevelStaging[n] {
			continue
		}
		p := filepath.Join(dir, n+".parquet")
		q := `COPY (SELECT * FROM mart."` + n + `") TO ` + sqlQuote(p) + ` (FORMAT parquet)`
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("quarterly review: snapshot mart.%s: %w", n, err)
		}
	}
	return nil
}

// StoreOptions are the database open options the configuration asks for.
func StoreOptions(cfg *config.Config, purpose string) store.Options {
	return store.Options{TimeZone: cfg.TimeZone, Purpose: purpose, MemoryLimit: cfg.DuckDB.MemoryLimit, Threads: cfg.DuckDB.Threads,
		TempDirectory: cfg.DuckDB.TempDirectory}
}
