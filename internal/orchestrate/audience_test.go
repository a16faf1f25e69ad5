package orchestrate_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

type unitRow struct{ id, name, parent string }

// Three audiences over the synthetic data — a province (one root), two cities of
// different provinces (two roots) and a city — each get a site under
// reports/<id>/, and no file of one (pages, CSV downloads, embedded chart JSON, the
// workbook's sheets) names a unit outside it, by id or by name, or lists one of
// their open overdue matters; its own units and matters are found (the positive
// control, so that the grep is known to look where the names are).
func TestAudienceSitesHoldOnlyTheirUnits(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	cfg.Report.Xlsx = true
	cfg.Audiences = []config.Audience{
		{ID: "P01", Title: "江苏", Units: []string{"P01"}},
		{ID: "two", Units: []string{"P02C01", "P03C02"}},
		{ID: "P04C01", Units: []string{"P04C01"}},
	}
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.Database, orchestrate.StoreOptions(cfg, "test"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := orchestrate.Run(ctx, db, cfg, orchestrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Audiences) != 3 {
		t.Fatalf("want 3 audience sites, got %+v", res.Audiences)
	}
	// The quarterly review archives each audience's quarter in its own site (the
	// grep below covers the archives too), and never overwrites one.
	rv, err := orchestrate.Report(ctx, db, cfg, orchestrate.ReportOptions{Quarter: "2026-Q1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Review.Audiences) != 3 || len(rv.Audiences) != 3 {
		t.Fatalf("want 3 audience archives and sites, got %v, %+v", rv.Review.Audiences, rv.Audiences)
	}
	marker := filepath.Join(cfg.ReportsDir, "P01", "archive", "2026-Q1", "marker")
	if err := os.WriteFile(marker, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(cfg.ReportsDir, "archive", "2026-Q1")); err != nil {
		t.Fatal(err)
	}
	if rv, err = orchestrate.Report(ctx, db, cfg, orchestrate.ReportOptions{Quarter: "2026-Q1"}); err != nil {
		t.Fatal(err)
	}
	if len(rv.Review.Audiences) != 0 {
		t.Errorf("existing audience archives were written again: %v", rv.Review.Audiences)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "kept" {
		t.Errorf("an audience's archive was overwritten: %v", err)
	}
	if ov := readFile(t, filepath.Join(cfg.ReportsDir, "P01", "overview.html")); strings.Contains(ov, "全系统") || !strings.Contains(ov, "江苏") {
		t.Errorf("the audience's overview should name its title in place of 全系统")
	}
	if !strings.Contains(readFile(t, filepath.Join(cfg.ReportsDir, "P01", "index.html")), "archive/2026-Q1/") {
		t.Errorf("the audience's index does not list its archive")
	}
	units := map[string]unitRow{}
	rows, err := db.Query(`SELECT unit_id, name, coalesce(parent_id, '') FROM units`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u unitRow
		if err := rows.Scan(&u.id, &u.name, &u.parent); err != nil {
			t.Fatal(err)
		}
		units[u.id] = u
	}
	rows.Close()
	overdue := map[string][]string{} // unit -> petition ids of its open overdue matters
	rows, err = db.Query(`SELECT unit_id, petition_id FROM mart.open_overdue`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u, p string
		if err := rows.Scan(&u, &p); err != nil {
			t.Fatal(err)
		}
		overdue[u] = append(overdue[u], p)
	}
	rows.Close()
	db.Close()

	for _, a := range cfg.Audiences {
		inside := map[string]bool{}
		for id := range units {
			for u := id; u != ""; u = units[u].parent {
				for _, l := range a.Units {
					if u == l {
						inside[id] = true
					}
				}
			}
		}
		text := siteText(t, filepath.Join(cfg.ReportsDir, a.ID))
		tokens := map[string]bool{} // ids are whole words: P01 is not found in P01C01
		for _, w := range idToken.FindAllString(text, -1) {
			tokens[w] = true
		}
		found := func(s string) bool { return tokens[s] }
		var own, ownMatters, matters int
		for id, u := range units {
			if inside[id] {
				if strings.Contains(text, u.name) {
					own++
				}
				for _, p := range overdue[id] {
					matters++
					if found(p) {
						ownMatters++
					}
				}
				continue
			}
			if found(id) {
				t.Errorf("audience %s: the site names unit %s, outside it", a.ID, id)
			}
			if !nameOfInside(u.name, inside, units) && strings.Contains(text, u.name) {
				t.Errorf("audience %s: the site names %s (%s), outside it", a.ID, u.name, id)
			}
			for _, p := range overdue[id] {
				if found(p) {
					t.Errorf("audience %s: the site lists matter %s of unit %s, outside it", a.ID, p, id)
				}
			}
		}
		if own != len(inside) {
			t.Errorf("audience %s: %d of its %d units' names found in its site", a.ID, own, len(inside))
		}
		if matters > 0 && ownMatters == 0 {
			t.Errorf("audience %s: none of its open overdue matters found in its site", a.ID)
		}
		t.Logf("audience %s: %d units, %d of their %d open overdue matters found", a.ID, len(inside), ownMatters, matters)
	}
	if _, err := os.Stat(filepath.Join(cfg.ReportsDir, "index.html")); err != nil {
		t.Errorf("the whole system's site is still rendered: %v", err)
	}
}

var idToken = regexp.MustCompile(`[A-Za-z0-9_-]+`)

// nameOfInside: an outside unit's name that is part of an inside unit's name (司法部 in
// 司法部燕城监狱) cannot be told apart by a grep.
func nameOfInside(name string, inside map[string]bool, units map[string]unitRow) bool {
	for id := range inside {
		if strings.Contains(units[id].name, name) {
			return true
		}
	}
	return false
}

// siteText is every file of a site as text, the workbook's sheets unzipped.
func siteText(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if strings.HasSuffix(p, ".xlsx") {
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return err
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return err
				}
				x, _ := io.ReadAll(rc)
				rc.Close()
				b.Write(x)
				b.WriteByte('\n')
			}
			return nil
		}
		b.Write(data)
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("%s: only %d files", dir, n)
	}
	return b.String()
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
