package queries_test

import (
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/version"
)

// Every build writes mart.build_info in its transaction: the as-of it was built
// for, when, the config fingerprint, the version and each mart's row count (the
// same counts the build reports).
func TestBuildInfo(t *testing.T) {
	f := newFixture(t)
	if _, err := queries.ReadBuildInfo(f.ctx, f.db.DB); err != queries.ErrNoBuildInfo {
		t.Fatalf("before any build: %v, want ErrNoBuildInfo", err)
	}
	f.units(U{ID: "P"}, U{ID: "C", Parent: "P"})
	f.source("s")
	f.add(P{ID: "a", Unit: "C", Received: "2024-01-10"}, P{ID: "b", Unit: "P", Received: "2024-02-10"})
	before := time.Now().Add(-time.Second)
	res := f.build("2024-03-31")
	bi, err := queries.ReadBuildInfo(f.ctx, f.db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if got := bi.AsOf.Format("2006-01-02"); got != "2024-03-31" {
		t.Errorf("as_of = %s", got)
	}
	if bi.BuiltAt.Before(before) || bi.Version != version.Version {
		t.Errorf("built_at %s (want after %s), version %q", bi.BuiltAt, before, bi.Version)
	}
	fp, _ := queries.ConfigFingerprint(f.cfg)
	if bi.ConfigFingerprint != fp || len(fp) != 64 {
		t.Errorf("fingerprint = %q, want %q", bi.ConfigFingerprint, fp)
	}
	for _, tc := range res.Tables {
		if tc.Name == "build_info" {
			continue
		}
		if bi.RowCounts[tc.Name] != tc.Rows {
			t.Errorf("row_counts[%s] = %d, build reported %d", tc.Name, bi.RowCounts[tc.Name], tc.Rows)
		}
	}
	// Marts are counted, config tables are not.
	if bi.RowCounts["volume"] == 0 || bi.RowCounts["cfg_indicators"] != 0 {
		t.Errorf("row_counts = %v", bi.RowCounts)
	}

	// A change of rules changes the fingerprint; the as-of date does not.
	c2 := *f.cfg
	c2.AsOf = "2020-01-01"
	if fp2, _ := queries.ConfigFingerprint(&c2); fp2 != fp {
		t.Error("the as-of date changed the fingerprint")
	}
	c2.Metrics.HandleDays++
	if fp3, _ := queries.ConfigFingerprint(&c2); fp3 == fp {
		t.Error("another handle_days kept the fingerprint")
	}
	f.build("2024-02-29")
	if bi, _ = queries.ReadBuildInfo(f.ctx, f.db.DB); bi.AsOf.Format("2006-01-02") != "2024-02-29" {
		t.Errorf("after a rebuild as_of = %s", bi.AsOf)
	}
}
