package pipeline

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/xinfang/xinfang/internal/config"
)

// File kinds: listing a source's files, telling whether a file was ingested
// before (content hash plus settings fingerprint), and one batch per file.

// resolveFiles expands a source path: a file, a folder (its files of the kind, not
// recursive) or a glob. Files are taken in name order.
func resolveFiles(src *config.Source, exts []string) ([]string, error) {
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
				for _, x := range exts {
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

func (in *ingester) ingestFiles(ctx context.Context, src *config.Source, k *fileKind, res *IngestResult) []error {
	files, err := resolveFiles(src, k.exts)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		if err := in.ingestFile(ctx, src, k, f, res); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// ingestFile runs one file, read as kind k, as one batch (skipped when its content
// and the source's settings were ingested before).
func (in *ingester) ingestFile(ctx context.Context, src *config.Source, k *fileKind, path string, res *IngestResult) error {
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
	open := func(ctx context.Context) (rowReader, error) { return k.open(ctx, in.db.DB, src, path) }
	b, err := in.runBatch(ctx, src, k.rawCells, path, hash, open, nil)
	if err != nil {
		recordFailedBatch(ctx, in.db.DB, src.Name, path, hash, started, err)
		slog.Error("batch failed; rolled back", "source", src.Name, "file", path, "err", err)
		return err
	}
	res.add(b)
	return nil
}
