package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// IngestOptions selects what to ingest.
type IngestOptions struct {
	Sources     []string // only these sources (empty = all)
	Incremental bool     // only sources marked incremental
	// Progress is where a progress bar is drawn; nil = stderr when it is a terminal.
	Progress io.Writer
	// NoProgress turns the progress bar off (structured logs only).
	NoProgress bool
	// Force re-reads files even when their content was ingested before.
	Force bool
}

// IngestResult sums the batches of one ingest.
type IngestResult struct {
	Batches   []BatchResult
	RowsRead  int64
	Inserted  int64
	Updated   int64
	Unchanged int64
	Rejected  int64
	Warnings  int64
	Skipped   int64 // rows filtered out by mapping.where rules
	Units     int64 // rows now in the units table, when it was replaced (-1 = untouched)
	// Quality holds the plausibility checks of the ingested sources (data_quality).
	Quality []QualityFinding
}

// BatchResult is one ingest batch (one file or one pull).
type BatchResult struct {
	BatchID   int64
	Source    string
	File      string
	Skipped   bool // unchanged file (same content hash)
	RowsRead  int64
	Inserted  int64
	Updated   int64
	Unchanged int64
	Rejected  int64
	Warnings  int64
	Deleted   int64 // synthetic source only: records the regenerated data no longer has
	// SkippedRows are rows a mapping.where rule filtered out (counted in RowsRead,
	// neither stored nor rejected); SkippedBy counts them by the first rule they failed.
	SkippedRows int64
	SkippedBy   map[string]int64
	Duration    time.Duration
}

func (r *IngestResult) add(b BatchResult) {
	r.Batches = append(r.Batches, b)
	r.RowsRead += b.RowsRead
	r.Inserted += b.Inserted
	r.Updated += b.Updated
	r.Unchanged += b.Unchanged
	r.Rejected += b.Rejected
	r.Warnings += b.Warnings
	r.Skipped += b.SkippedRows
}

// ingester holds what every batch of one Ingest call needs.
type ingester struct {
	db      *store.DB
	cfg     *config.Config
	key     []byte
	keyFP   string
	loc     *time.Location
	opt     IngestOptions
	workers int
	// duckLimit is the SET statement of DuckDB's share of the memory limit during
	// the ingest ("" = unchanged), repeated on each batch's connection (a new
	// connection starts with the configured limit).
	duckLimit string
	// unitsDone: the units table was replaced by this ingest (a units file, or the
	// first synthetic source's generated units).
	unitsDone bool
}

// Ingest loads every selected source, one batch per file (or per pull of a
// database source), each batch in its own transaction. Bad rows never stop a
// batch; a batch that fails as a whole (unreadable file, mapping that does not fit)
// is rolled back, recorded as failed, and the other batches still run; the error
// then names every failed batch.
func Ingest(ctx context.Context, db *store.DB, cfg *config.Config, opt IngestOptions) (*IngestResult, error) {
	key, err := PseudonymKey(ctx, db.DB, cfg)
	if err != nil {
		return nil, err
	}
	in := &ingester{db: db, cfg: cfg, key: key, keyFP: keyFingerprint(key), loc: cfg.Location(), opt: opt, workers: runtime.GOMAXPROCS(0)}
	if in.workers > 4 {
		in.workers = 4
	}
	selected, err := selectSources(cfg, opt)
	if err != nil {
		return nil, err
	}
	defer in.applyIngestBudget(ctx)()
	res := &IngestResult{Units: -1}
	var errs []error
	if cfg.Units.File != "" {
		n, err := in.replaceUnits(ctx, cfg.Units.File, cfg.Units.Mapping, cfg.Units.Encoding)
		if err != nil {
			if ctx.Err() != nil {
				return res, err
			}
			errs = append(errs, err)
		} else {
			res.Units = n
		}
		in.unitsDone = true
	}
	for i := range selected {
		src := selected[i]
		if src.TimeZone != "" && src.TimeZone != cfg.TimeZone {
			// Said at every ingest, not only by check-config: records moving to the
			// next day (or year) is easy to miss in the figures.
			slog.Warn("source time zone differs from time_zone", "source", src.Name, "effect", zoneEffect(cfg, src))
		}
		k, err := lookupKind(src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, k.ingest(ctx, in, src, res)...)
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() == nil {
		var names []string
		for _, s := range selected {
			names = append(names, s.Name)
		}
		q, err := in.checkPlausibility(ctx, names)
		if err != nil {
			errs = append(errs, err)
		}
		res.Quality = q
	}
	if cfg.Units.FromSource != nil && ctx.Err() == nil {
		n, err := in.rebuildDerivedUnits(ctx)
		if err != nil {
			errs = append(errs, err)
		} else {
			res.Units = n
		}
	}
	slog.Info("ingest finished", "batches", len(res.Batches), "rows_read", res.RowsRead, "inserted", res.Inserted,
		"updated", res.Updated, "unchanged", res.Unchanged, "rejected", res.Rejected, "warnings", res.Warnings, "failed", len(errs))
	if ctx.Err() != nil {
		return res, fmt.Errorf("ingest interrupted: %w", ctx.Err())
	}
	return res, errors.Join(errs...)
}

func selectSources(cfg *config.Config, opt IngestOptions) ([]*config.Source, error) {
	want := map[string]bool{}
	for _, s := range opt.Sources {
		want[s] = true
	}
	selecting := len(want) > 0
	var out []*config.Source
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if selecting && !want[s.Name] {
			continue
		}
		delete(want, s.Name) // what is left at the end was never configured
		if opt.Incremental && !s.Incremental {
			continue
		}
		out = append(out, s)
	}
	if len(want) > 0 {
		var names, missing []string
		for _, s := range cfg.Sources {
			names = append(names, s.Name)
		}
		for n := range want {
			missing = append(missing, n)
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("unknown source(s) %s (configured: %s)", strings.Join(missing, ", "), strings.Join(names, ", "))
	}
	return out, nil
}

// runBatch reads one input through the mapping into the staging table and upserts
// it, all in one transaction. extra, when set, runs inside the transaction before
// commit and may adjust the source state (the watermark of a database pull).
// rawCells says the reader gives unformatted cells (spreadsheets).
func (in *ingester) runBatch(ctx context.Context, src *config.Source, rawCells bool, file, contentHash string,
	open func(context.Context) (rowReader, error), extra func(context.Context, *loader, *sourceState) error) (BatchResult, error) {
	started := time.Now()
	b := BatchResult{Source: src.Name, File: file}
	var (
		l  *loader
		m  *mapper
		st convertStats
	)
	// A first load goes straight into petitions; one that meets a petition_id twice
	// is rolled back and read again through the staging table (second attempt).
	for attempt := 0; ; attempt++ {
		var err error
		l, m, st, err = in.readBatch(ctx, src, rawCells, file, open, attempt == 0)
		if errors.Is(err, errDuplicateInBatch) && attempt == 0 {
			slog.Info("duplicate petition_id in a first load; reading the file again through the staging table", "source", src.Name, "file", file)
			continue
		}
		if l != nil {
			defer l.abort()
		}
		if err != nil {
			return b, err
		}
		break
	}
	b.BatchID = l.batchID
	tConv := time.Since(started)
	b.RowsRead, b.Rejected, b.Warnings = st.read, st.rejects, st.warns
	b.SkippedRows, b.SkippedBy = st.skipped, st.skippedBy
	if st.units != nil {
		if err := l.saveDerivedUnits(ctx, st.units); err != nil {
			return b, err
		}
	}
	k, _ := lookupKind(src)
	uc, err := l.upsert(ctx, k != nil && k.snapshot())
	if err != nil {
		return b, err
	}
	b.Inserted, b.Updated, b.Unchanged, b.Deleted = uc.inserted, uc.updated, uc.unchanged, uc.deleted
	slog.Debug("batch phases", "source", src.Name, "convert_and_stage", tConv.Round(time.Millisecond), "upsert", (time.Since(started) - tConv).Round(time.Millisecond))
	b.Warnings += uc.duplicates
	tz := src.TimeZone
	if tz == "" {
		tz = in.cfg.TimeZone
	}
	ss := sourceState{source: src.Name, kind: src.Kind, mappedFields: m.mappedFields(), timeZone: tz}
	if extra != nil {
		if err := extra(ctx, l, &ss); err != nil {
			return b, err
		}
	}
	b.Duration = time.Since(started)
	if err := l.finish(ctx, &b, started, contentHash, ss); err != nil {
		return b, err
	}
	// The batch took until its commit (at 10M records the commit takes 6–7 s);
	// ingest_batches.finished_at, written inside the transaction, cannot include it.
	b.Duration = time.Since(started)
	slog.Info("batch ingested", "source", src.Name, "file", file, "batch", b.BatchID, "rows_read", b.RowsRead,
		"inserted", b.Inserted, "updated", b.Updated, "unchanged", b.Unchanged, "deleted", b.Deleted, "rejected", b.Rejected,
		"warnings", b.Warnings, "took", b.Duration.Round(time.Millisecond))
	return b, nil
}

// readBatch opens the input, begins the batch and loads every record (see
// loader). On an error the loader, when returned, still has to be aborted;
// errDuplicateInBatch comes back with everything already rolled back.
func (in *ingester) readBatch(ctx context.Context, src *config.Source, rawCells bool, file string,
	open func(context.Context) (rowReader, error), allowDirect bool) (*loader, *mapper, convertStats, error) {
	rr, err := open(ctx)
	if err != nil {
		return nil, nil, convertStats{}, fmt.Errorf("source %s: open %s: %w", src.Name, file, err)
	}
	defer rr.Close()
	m, err := newMapper(src, rr.Header(), in.loc, rawCells)
	if err != nil {
		return nil, nil, convertStats{}, fmt.Errorf("%s: %w", file, err)
	}
	if fs := in.cfg.Units.FromSource; fs != nil && fs.Source == src.Name {
		if err := m.deriveUnits(fs, rr.Header()); err != nil {
			return nil, nil, convertStats{}, fmt.Errorf("%s: %w", file, err)
		}
	}
	if _, ok := rr.(interface{ onePass() }); ok {
		allowDirect = false // cannot be read a second time
	}
	l, err := beginBatch(ctx, in.db.DB, src.Name, file, allowDirect, in.duckLimit)
	if err != nil {
		return nil, nil, convertStats{}, err
	}
	st, err := in.convert(ctx, l, rr, m, filepath.Base(file))
	if errors.Is(err, errDuplicateInBatch) {
		l.abort()
		return nil, nil, st, err
	}
	return l, m, st, err
}

// withConn runs f on one connection inside one transaction.
func withTx(ctx context.Context, db *sql.DB, f func(*sql.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := f(conn); err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		_, _ = conn.ExecContext(rctx, "ROLLBACK")
		cancel()
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	return nil
}
