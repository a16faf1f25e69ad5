package jobs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// A manual run through RunPipeline is recorded (job, trigger manual, status, error)
// even when the pipeline fails, and the status file is written.
func TestRunPipelineRecordsFailedManualRun(t *testing.T) {
	cfg := testConfig(t)
	cfg.Sources = []config.Source{{Name: "letters", Kind: "csv", Path: filepath.Join(t.TempDir(), "no-such-folder", "*.csv"),
		Mapping: config.Mapping{Fields: map[string]config.FieldMap{"petition_id": {Column: "id"}, "received_at": {Column: "t"}, "unit_id": {Column: "u"}}}}}
	db, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone, Purpose: "test run"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, runErr := RunPipeline(context.Background(), db, cfg, "run", TriggerManual, orchestrate.Options{})
	if runErr == nil {
		t.Fatal("a run over a missing source folder succeeded")
	}
	rs := runs(t, db)
	if len(rs) != 1 {
		t.Fatalf("rows = %+v", rs)
	}
	r := rs[0]
	if r.Job != "run" || r.Trigger != TriggerManual || r.Status != StatusFailed || r.Finished == nil || r.Error != runErr.Error() {
		t.Errorf("row = %+v, want run/manual/failed with the returned error %q", r, runErr)
	}
	st, err := ReadStatusFile(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	if st.Scheduler != nil || len(st.Jobs) != 4 || st.Jobs[3].Job != "run" || st.Jobs[3].Last.Status != StatusFailed {
		t.Errorf("status file jobs = %+v", st.Jobs)
	}
}

// The default job bodies run the real pipeline: the nightly (ingest → compute →
// report) on a tiny synthetic source, recording rows in/out; then the quarterly review.
func TestNightlyAndQuarterlyRunRealPipeline(t *testing.T) {
	cfg := testConfig(t) // synthetic source, 2000 records over 2 years
	cfg.Report.Xlsx = false
	cfg.Sources[0].Synthetic.Years = 1
	s := newScheduler(t, cfg, nil)
	status := s.RunNow(JobNightly, TriggerManual)
	rs := runs(t, s.DB())
	if len(rs) != 1 {
		t.Fatalf("rows = %+v", rs)
	}
	r := rs[0]
	if status != StatusOK || r.Status != StatusOK {
		t.Fatalf("nightly = %s: %s", r.Status, r.Error)
	}
	// Every synthetic record is read once.
	if r.RowsIn != 2000 {
		t.Errorf("rows_in = %d, want 2000", r.RowsIn)
	}
	var marts int64
	if err := s.DB().QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart'`).Scan(&marts); err != nil {
		t.Fatal(err)
	}
	if r.RowsOut <= 0 || marts == 0 {
		t.Errorf("rows_out = %d, mart tables = %d", r.RowsOut, marts)
	}
	if _, err := os.Stat(filepath.Join(cfg.ReportsDir, "index.html")); err != nil {
		t.Errorf("report index: %v", err)
	}
	if d := detailOf(t, r); d["as_of"] == nil || d["ingest"] == nil {
		t.Errorf("detail = %v", d)
	}

	if testing.Short() {
		return // the review below builds its own marts and re-renders the site (~30 s)
	}
	// The quarterly review of the last ended quarter lands in archive/<quarter>/, and
	// the live marts are left as of today (the review's marts are built in a database
	// of their own by orchestrate.Review, never in the live mart schema).
	q := LastEndedQuarter(time.Now().In(cfg.Location())).String()
	if got := s.RunNow(JobQuarterly, TriggerManual); got != StatusOK {
		rs := runs(t, s.DB())
		t.Fatalf("quarterly = %s: %s", got, rs[len(rs)-1].Error)
	}
	if _, err := os.Stat(filepath.Join(cfg.ReportsDir, "archive", q, "index.html")); err != nil {
		t.Errorf("quarterly archive: %v", err)
	}
	var liveAsOf time.Time
	if err := s.DB().QueryRow(`SELECT max(as_of) FROM mart.trend`).Scan(&liveAsOf); err != nil {
		t.Fatal(err)
	}
	if want := cfg.AsOfDate().Format("2006-01-02"); liveAsOf.Format("2006-01-02") != want {
		t.Errorf("live marts as of %s after the review, want %s", liveAsOf.Format("2006-01-02"), want)
	}
	// A second review of the same quarter finds the archive and does nothing.
	if got := s.RunNow(JobQuarterly, TriggerManual); got != StatusOK {
		t.Errorf("second quarterly = %s", got)
	}
	rs = runs(t, s.DB())
	if d := detailOf(t, rs[len(rs)-1]); d["archive"] != "already exists" || d["quarter"] != q {
		t.Errorf("second quarterly detail = %v", d)
	}
}
