package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// stampFile sits in the root of a published live site and says what the site was
// rendered from. A quarterly review, which only adds an archive, then rewrites the one
// page listing the archives (index.html) instead of rendering every page again, when
// nothing else the site shows has changed. The report server never serves dot files.
const stampFile = ".render.json"

// renderStamp is the content of stampFile. Inputs are kept readable, not hashed, so
// that two renders of the same data compare equal once their clock times are masked.
type renderStamp struct {
	Generated time.Time    `json:"generated"` // the time every page's footer shows
	Pages     int          `json:"pages"`
	Inputs    renderInputs `json:"inputs"`
}

// renderInputs is everything a page of the live site is drawn from, other than the
// list of archives: the marts' build (mart.build_info, which changes with every
// compute), the stored tables the index reads directly (ingest batches, records, the
// unit list), the effective config, the as-of date, the site's whole label and the
// program that renders. A page that comes to read another stored table must add it
// here, or a review that only rewrites the index would leave that page stale.
type renderInputs struct {
	AsOf      string `json:"as_of"`
	Build     string `json:"build"`
	LastBatch string `json:"last_batch"`
	Records   string `json:"records"`
	Units     string `json:"units"`
	Config    string `json:"config"`
	AllLabel  string `json:"all_label"`
	Program   string `json:"program"`
}

// readInputs reads the render inputs of the live site as of asOf from db and cfg.
func readInputs(ctx context.Context, db *sql.DB, cfg *config.Config, asOf time.Time, allLabel string) (renderInputs, error) {
	in := renderInputs{AsOf: asOf.Format("2006-01-02"), AllLabel: allLabel, Program: program()}
	var err error
	if in.Config, err = cfg.Fingerprint(); err != nil {
		return in, err
	}
	err = db.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(string_agg(concat_ws(',', as_of, built_at, config_fingerprint, version), ';'), '') FROM mart.build_info),
		(SELECT coalesce(CAST(max(finished_at) AS VARCHAR), '') FROM ingest_batches WHERE status = 'ok'),
		(SELECT count(*) || ',' || coalesce(CAST(max(received_date) AS VARCHAR), '') FROM petitions),
		(SELECT md5(coalesce(string_agg(CAST(to_json(u) AS VARCHAR), ';' ORDER BY u.unit_id), '')) FROM units u)`).
		Scan(&in.Build, &in.LastBatch, &in.Records, &in.Units)
	if err != nil {
		return in, fmt.Errorf("report: read what the site is rendered from: %w", err)
	}
	return in, nil
}

// program names the running binary: the commit it was built from when the build
// recorded one, and the executable's size and modification time (a new version or a
// rebuilt development binary changes them), so that another program renders the whole
// site again.
func program() string {
	var p []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				p = append(p, s.Key+"="+s.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			p = append(p, fmt.Sprintf("exe=%d@%s", fi.Size(), fi.ModTime().UTC().Format(time.RFC3339Nano)))
		}
	}
	return strings.Join(p, " ")
}

func writeStamp(dir string, st renderStamp) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("report: render stamp: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, stampFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: write render stamp: %w", err)
	}
	return nil
}

func readStamp(dir string) (renderStamp, error) {
	var st renderStamp
	b, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, err
	}
	if st.Generated.IsZero() || st.Pages <= 0 {
		return st, errors.New("incomplete render stamp")
	}
	return st, nil
}

// RefreshIndex rewrites only index.html of the live site published in opt.OutDir (the
// one page that lists the archived reviews) when the site was rendered from exactly
// what db, cfg and opt give now, as its render stamp records. It returns ok false,
// having written nothing, when the whole site must be rendered instead: no stamp, or
// anything the site was drawn from has changed since. The new index carries the
// site's own generation time, so it is the page a full render at that time would have
// written, with today's list of archives. The file is replaced by a rename: a reader
// or a crash sees the old index or the new one.
func RefreshIndex(ctx context.Context, db *sql.DB, cfg *config.Config, opt Options) (res *Result, ok bool, err error) {
	start := time.Now()
	if opt.OutDir == "" {
		opt.OutDir = cfg.ReportsDir
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = cfg.AsOfDate()
	}
	st, err := readStamp(opt.OutDir)
	if err != nil {
		return nil, false, nil
	}
	in, err := readInputs(ctx, db, cfg, opt.AsOf, opt.AllLabel)
	if err != nil || in != st.Inputs {
		return nil, false, nil
	}
	s, err := newSite(ctx, db, cfg, opt.AsOf, "", opt.AllLabel, st.Generated)
	if err != nil {
		return nil, false, err
	}
	s.liveDir = opt.OutDir
	p, err := s.indexPage()
	if err != nil {
		return nil, false, err
	}
	s.pages = []*page{p}
	abs, err := filepath.Abs(opt.OutDir)
	if err != nil {
		return nil, false, fmt.Errorf("report: %w", err)
	}
	// Staged like a full render (publish), so that a crash leaves a folder the next
	// report removes.
	tmp, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".new-")
	if err != nil {
		return nil, false, fmt.Errorf("report: %w", err)
	}
	defer os.RemoveAll(tmp)
	if release, err := lockDir(tmp); err == nil {
		defer release()
	}
	if _, err := s.write(tmp); err != nil {
		return nil, false, err
	}
	if err := ApplySiteModes(tmp); err != nil {
		return nil, false, fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(filepath.Join(tmp, p.Path), filepath.Join(abs, p.Path)); err != nil {
		return nil, false, fmt.Errorf("report: replace %s: %w", p.Path, err)
	}
	return &Result{Dir: opt.OutDir, Index: filepath.Join(opt.OutDir, "index.html"), Pages: st.Pages, Duration: time.Since(start), IndexOnly: true}, true, nil
}
