package pipeline

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/schollz/progressbar/v3"
	"github.com/zeebo/xxh3"
	"golang.org/x/term"

	"github.com/xinfang/xinfang/config"
	"github.com/xinfang/xinfang/pipeline/synthetic"
	"github.com/xinfang/xinfang/store"
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
	res := &IngestResult{Units: -1}
	var errs []error
	unitsDone := false
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
		unitsDone = true
	}
	for i := range selected {
		src := selected[i]
		if src.TimeZone != "" && src.TimeZone != cfg.TimeZone {
			// Said at every ingest, not only by check-config: records moving to the
			// next day (or year) is easy to miss in the figures.
			slog.Warn("source time zone differs from time_zone", "source", src.Name, "effect", zoneEffect(cfg, src))
		}
		var berrs []error
		switch src.Kind {
		case "synthetic":
			berrs = in.ingestSynthetic(ctx, src, res, !unitsDone)
			unitsDone = unitsDone || len(berrs) == 0
		case "postgres":
			berrs = in.ingestPostgres(ctx, src, res)
		default:
			berrs = in.ingestFiles(ctx, src, res)
		}
		errs = append(errs, berrs...)
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

// kindExtensions are the file name endings taken from a folder, per kind.
var kindExtensions = map[string][]string{
	"csv":     {".csv", ".txt"},
	"tsv":     {".tsv", ".tab", ".txt"},
	"xlsx":    {".xlsx", ".xlsm"},
	"jsonl":   {".jsonl", ".ndjson", ".json"},
	"parquet": {".parquet", ".pq"},
}

// resolveFiles expands a source path: a file, a folder (its files of the kind, not
// recursive) or a glob. Files are taken in name order.
func resolveFiles(src *config.Source) ([]string, error) {
	p := src.Path
	var files []string
	if strings.ContainsAny(p, "*?[") {
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("source %s: bad glob %q: %w", src.Name, p, err)
		}
		for _, f := range m {
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				files = append(files, f)
			}
		}
	} else {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", src.Name, err)
		}
		if st.IsDir() {
			ents, err := os.ReadDir(p)
			if err != nil {
				return nil, fmt.Errorf("source %s: %w", src.Name, err)
			}
			for _, e := range ents {
				if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "~$") {
					continue
				}
				ext := strings.ToLower(filepath.Ext(e.Name()))
				for _, x := range kindExtensions[src.Kind] {
					if ext == x {
						files = append(files, filepath.Join(p, e.Name()))
						break
					}
				}
			}
		} else {
			files = []string{p}
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("source %s: no %s files at %s", src.Name, src.Kind, p)
	}
	return files, nil
}

// fileHash is a fast content hash (xxh3-128) of a file.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := xxh3.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	s := h.Sum128().Bytes()
	return hex.EncodeToString(s[:]), nil
}

// configFingerprint identifies everything besides the file content that shapes
// the stored rows: the source's settings, the global zone and the pseudonym key.
// A file is skipped only when both its content and this are unchanged.
func (in *ingester) configFingerprint(src *config.Source) string {
	// Where the file was found (folder or glob) and pull settings do not shape rows.
	s := *src
	s.Path, s.Incremental, s.BatchSize, s.DSN, s.Synthetic = "", false, 0, "", config.Synthetic{}
	// Units derived from this source are saved by its batches: deriving them (or
	// from other columns) needs the file read again.
	var units *config.UnitsFromSource
	if fs := in.cfg.Units.FromSource; fs != nil && fs.Source == src.Name {
		units = fs
	}
	b, _ := json.Marshal(struct {
		S     config.Source
		TZ    string
		Key   string
		Units *config.UnitsFromSource `json:",omitempty"`
	}{s, in.cfg.TimeZone, in.keyFP, units})
	sum := xxh3.Hash128(b).Bytes()
	return hex.EncodeToString(sum[:8])
}

func (in *ingester) alreadyIngested(ctx context.Context, source, hash string) (bool, error) {
	var n int
	err := in.db.QueryRowContext(ctx, `SELECT count(*) FROM ingest_batches WHERE source = ? AND content_hash = ? AND status = 'ok'`, source, hash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check ingest history: %w", err)
	}
	return n > 0, nil
}

func (in *ingester) ingestFiles(ctx context.Context, src *config.Source, res *IngestResult) []error {
	files, err := resolveFiles(src)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		if err := in.ingestFile(ctx, src, src.Kind, f, res); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// ingestFile runs one file as one batch (skipped when its content and the source's
// settings were ingested before).
func (in *ingester) ingestFile(ctx context.Context, src *config.Source, kind, path string, res *IngestResult) error {
	started := time.Now()
	ch, err := fileHash(path)
	if err != nil {
		recordFailedBatch(ctx, in.db.DB, src.Name, path, "", started, err)
		return fmt.Errorf("source %s: %w", src.Name, err)
	}
	hash := ch + "-" + in.configFingerprint(src)
	if !in.opt.Force {
		done, err := in.alreadyIngested(ctx, src.Name, hash)
		if err != nil {
			return err
		}
		if done {
			slog.Info("file unchanged since its last ingest; skipped", "source", src.Name, "file", path)
			b := BatchResult{Source: src.Name, File: path, Skipped: true}
			_ = in.db.QueryRowContext(ctx, `INSERT INTO ingest_batches (batch_id, source, file, content_hash, started_at, finished_at, status)
				VALUES (nextval('batch_seq'), ?, ?, ?, ?, ?, 'skipped') RETURNING batch_id`,
				src.Name, path, hash, started, time.Now()).Scan(&b.BatchID)
			res.add(b)
			return nil
		}
	}
	open := func(ctx context.Context) (rowReader, error) { return openFile(ctx, in.db.DB, src, kind, path) }
	b, err := in.runBatch(ctx, src, kind, path, hash, open, nil)
	if err != nil {
		recordFailedBatch(ctx, in.db.DB, src.Name, path, hash, started, err)
		slog.Error("batch failed; rolled back", "source", src.Name, "file", path, "err", err)
		return err
	}
	res.add(b)
	return nil
}

// openFile opens one file of a file source with the source's reader settings
// (db reads Parquet).
func openFile(ctx context.Context, db *sql.DB, src *config.Source, kind, path string) (rowReader, error) {
	switch kind {
	case "csv", "tsv":
		delim := src.Delimiter
		if delim == "" && kind == "tsv" {
			delim = "\t"
		}
		return openDelimited(path, src.Encoding, delim, src.HeaderRow)
	case "xlsx":
		return openXLSX(path, src.Sheet, src.HeaderRow)
	case "jsonl":
		return openJSONL(path, mappedColumns(src))
	case "parquet":
		return openParquet(ctx, db, path)
	}
	return nil, fmt.Errorf("source %s: unsupported kind %q", src.Name, kind)
}

// mappedColumns lists the source columns a mapping reads.
func mappedColumns(src *config.Source) []string {
	var out []string
	for _, fm := range src.Mapping.Fields {
		if fm.Column != "" {
			out = append(out, fm.Column)
		}
		out = append(out, fm.Columns...)
	}
	out = append(out, exprSourceColumns(src)...)
	sort.Strings(out)
	return slices.Compact(out)
}

// runBatch reads one input through the mapping into the staging table and upserts
// it, all in one transaction. extra, when set, runs inside the transaction before
// commit and may adjust the source state (the watermark of a database pull).
func (in *ingester) runBatch(ctx context.Context, src *config.Source, kind, file, contentHash string,
	open func(context.Context) (rowReader, error), extra func(context.Context, *loader, *sourceState) error) (BatchResult, error) {
	started := time.Now()
	b := BatchResult{Source: src.Name, File: file}
	rr, err := open(ctx)
	if err != nil {
		return b, fmt.Errorf("source %s: open %s: %w", src.Name, file, err)
	}
	defer rr.Close()
	m, err := newMapper(src, rr.Header(), in.loc, kind == "xlsx")
	if err != nil {
		return b, fmt.Errorf("%s: %w", file, err)
	}
	if fs := in.cfg.Units.FromSource; fs != nil && fs.Source == src.Name {
		if err := m.deriveUnits(fs, rr.Header()); err != nil {
			return b, fmt.Errorf("%s: %w", file, err)
		}
	}
	l, err := beginBatch(ctx, in.db.DB, src.Name, file)
	if err != nil {
		return b, err
	}
	defer l.abort()
	b.BatchID = l.batchID
	st, err := in.convert(ctx, l, rr, m, filepath.Base(file))
	if err != nil {
		return b, err
	}
	tConv := time.Since(started)
	b.RowsRead, b.Rejected, b.Warnings = st.read, st.rejects, st.warns
	b.SkippedRows, b.SkippedBy = st.skipped, st.skippedBy
	if st.units != nil {
		if err := l.saveDerivedUnits(ctx, st.units); err != nil {
			return b, err
		}
	}
	uc, err := l.upsert(ctx, st.maybeDup, src.Kind == "synthetic")
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
	slog.Info("batch ingested", "source", src.Name, "file", file, "batch", b.BatchID, "rows_read", b.RowsRead,
		"inserted", b.Inserted, "updated", b.Updated, "unchanged", b.Unchanged, "deleted", b.Deleted, "rejected", b.Rejected,
		"warnings", b.Warnings, "took", b.Duration.Round(time.Millisecond))
	return b, nil
}

type convertStats struct {
	read, rejects, warns int64
	maybeDup             bool
	skipped              int64
	skippedBy            map[string]int64
	units                map[string]seenUnit
}

// rowBlock is a run of rows handed from the reader to a converter worker.
type rowBlock struct {
	rows [][]string
	nums []int64
}

const (
	blockRows  = 2048
	recordRows = 122880 // rows per Arrow record handed to DuckDB
)

// convert streams rows from rr through parallel converters into the staging
// table. The reader and the DuckDB side each run on their own goroutine, so
// parsing, converting and loading overlap.
func (in *ingester) convert(ctx context.Context, l *loader, rr rowReader, m *mapper, label string) (convertStats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks := make(chan rowBlock, in.workers*2)
	recs := make(chan arrow.RecordBatch, in.workers)
	var readIssues []issue
	var readErr error
	bar := in.progressBar(rr, label)

	go func() { // reader
		defer close(blocks)
		blk := rowBlock{rows: make([][]string, 0, blockRows), nums: make([]int64, 0, blockRows)}
		for {
			row, num, err := rr.Next()
			if err != nil {
				var re *rowError
				if errors.As(err, &re) {
					readIssues = append(readIssues, issue{row: re.row, reason: re.reason, severity: "reject", field: ""})
					continue
				}
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
			blk.rows = append(blk.rows, row)
			blk.nums = append(blk.nums, num)
			if len(blk.rows) == blockRows {
				select {
				case blocks <- blk:
				case <-ctx.Done():
					return
				}
				if bar != nil {
					done, _ := rr.Progress()
					_ = bar.Set64(done)
				}
				blk = rowBlock{rows: make([][]string, 0, blockRows), nums: make([]int64, 0, blockRows)}
			}
		}
		if len(blk.rows) > 0 {
			select {
			case blocks <- blk:
			case <-ctx.Done():
			}
		}
	}()

	var ev *exprEval
	if len(m.rules)+len(m.exprs) > 0 {
		var err error
		if ev, err = newExprEval(ctx, m.source, m.rules, m.exprs, rr.Header()); err != nil {
			return convertStats{}, err
		}
	}
	var evalErr error
	var evalOnce sync.Once
	convs := make([]*converter, in.workers)
	var wg sync.WaitGroup
	for w := range convs {
		c := newConverter(m, in.key)
		convs[w] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			var xw *exprWorker
			if ev != nil {
				var err error
				if xw, err = ev.worker(ctx, w); err != nil {
					evalOnce.Do(func() { evalErr = err })
					cancel()
					return
				}
				defer xw.close()
				c.skippedBy = make([]int64, len(m.rules))
			}
			for blk := range blocks {
				if xw != nil {
					kept, skipped, err := xw.apply(ctx, blk)
					if err != nil {
						evalOnce.Do(func() { evalErr = err })
						cancel()
						return
					}
					for i, n := range skipped {
						c.skippedBy[i] += n
						c.read += n
					}
					blk = kept
				}
				for i, row := range blk.rows {
					c.add(row, blk.nums[i])
				}
				if c.n >= recordRows {
					select {
					case recs <- c.flush():
					case <-ctx.Done():
						return
					}
				}
			}
			if rec := c.flush(); rec != nil {
				select {
				case recs <- rec:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() { wg.Wait(); close(recs) }()

	var stageErr error
	for rec := range recs {
		if stageErr == nil {
			if err := ctx.Err(); err != nil {
				stageErr = err
			} else if err := l.stage(ctx, rec); err != nil {
				stageErr = err
				cancel()
			} else if afterStageRecord != nil {
				afterStageRecord()
			}
		}
		rec.Release()
	}
	for _, c := range convs {
		defer c.release()
	}
	if bar != nil {
		done, _ := rr.Progress()
		_ = bar.Set64(done)
		_ = bar.Finish()
	}
	if evalErr != nil {
		return convertStats{}, evalErr
	}
	if stageErr != nil {
		return convertStats{}, stageErr
	}
	if err := ctx.Err(); err != nil {
		return convertStats{}, err
	}
	if readErr != nil {
		return convertStats{}, fmt.Errorf("source %s: read %s: %w", l.source, l.file, readErr)
	}
	st := convertStats{maybeDup: mayHaveDuplicates(convs), units: mergeUnits(convs)}
	all := readIssues
	st.rejects = int64(len(readIssues))
	st.read = int64(len(readIssues))
	for _, c := range convs {
		st.read += c.read
		st.rejects += c.rejects
		st.warns += c.warns
		all = append(all, c.issues...)
		for i, n := range c.skippedBy {
			if n > 0 {
				if st.skippedBy == nil {
					st.skippedBy = map[string]int64{}
				}
				st.skippedBy[m.rules[i]] += n
				st.skipped += n
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].row < all[j].row })
	logIssues(l.source, l.file, l.batchID, all)
	if err := l.addIssues(all); err != nil {
		return st, err
	}
	return st, nil
}

// afterStageRecord is a test hook called after each record reaches the staging table.
var afterStageRecord func()

// progressBar draws progress on a terminal for long inputs; nil otherwise.
func (in *ingester) progressBar(rr rowReader, label string) *progressbar.ProgressBar {
	if in.opt.NoProgress {
		return nil
	}
	w := in.opt.Progress
	if w == nil {
		if !term.IsTerminal(int(os.Stderr.Fd())) {
			return nil
		}
		w = os.Stderr
	}
	_, total := rr.Progress()
	if total <= 0 {
		return nil
	}
	_, isBytes := rr.(*delimReader)
	if _, ok := rr.(*jsonlReader); ok {
		isBytes = true
	}
	if isBytes && total < 8<<20 || !isBytes && total < 20000 {
		return nil // short inputs finish before a bar helps
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(label),
		progressbar.OptionShowBytes(isBytes), progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30))
}

// ingestSynthetic generates the canonical files beside the database and ingests
// them like a canonical CSV source (plus the generator's units, unless a units file
// is configured).
func (in *ingester) ingestSynthetic(ctx context.Context, src *config.Source, res *IngestResult, withUnits bool) []error {
	dir := syntheticDir(in.cfg, src.Name)
	p := synthetic.Params{Records: src.Synthetic.Records, Seed: src.Synthetic.Seed, Years: src.Synthetic.Years,
		AsOf: in.cfg.AsOfDate(), Loc: in.loc}
	started := time.Now()
	petitions, units, st, err := synthetic.GenerateFiles(p, dir)
	if err != nil {
		recordFailedBatch(ctx, in.db.DB, src.Name, dir, "", started, err)
		return []error{fmt.Errorf("source %s: %w", src.Name, err)}
	}
	slog.Info("synthetic data generated", "source", src.Name, "records", st.Records, "units", st.Units, "dir", dir,
		"took", time.Since(started).Round(time.Millisecond))
	var errs []error
	if withUnits {
		n, err := in.replaceUnits(ctx, units, nil, "utf-8")
		if err != nil {
			errs = append(errs, err)
		} else {
			res.Units = n
		}
	}
	canon := *src
	canon.Kind = "synthetic"
	if err := in.ingestFile(ctx, &canon, "csv", petitions, res); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// syntheticDir is var/synthetic/<source> beside the database.
func syntheticDir(cfg *config.Config, source string) string {
	base := filepath.Dir(cfg.Database)
	if cfg.Database == "" || cfg.Database == ":memory:" {
		base = filepath.Join(os.TempDir(), "xinfang")
	}
	return filepath.Join(base, "synthetic", source)
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
