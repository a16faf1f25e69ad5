package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, method, url string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// The server shows the report folder read-only (no hidden files, no listings),
// /healthz with the last success and the running job, and /metrics in the
// Prometheus text format with figures from job_runs.
func TestServeReportsHealthAndMetrics(t *testing.T) {
	cfg := testConfig(t)
	writeFile(t, filepath.Join(cfg.ReportsDir, "index.html"), "<h1>report index</h1>")
	writeFile(t, filepath.Join(cfg.ReportsDir, "archive", "2026-Q1", "index.html"), "<h1>Q1 review</h1>")
	writeFile(t, filepath.Join(cfg.ReportsDir, "data", "units.csv"), "unit_id\n")
	writeFile(t, filepath.Join(cfg.ReportsDir, ".secret"), "do not serve")
	writeFile(t, filepath.Join(cfg.ReportsDir, ".git", "config"), "do not serve")

	release := make(chan struct{})
	started := make(chan struct{})
	s := newScheduler(t, cfg, map[string]Func{
		JobNightly: func(ctx context.Context, r *Run) (Outcome, error) {
			if r.Trigger == TriggerManual {
				return Outcome{RowsIn: 2000, RowsOut: 310}, nil
			}
			return Outcome{}, errors.New("source folder missing")
		},
		JobHourlyPull: func(ctx context.Context, r *Run) (Outcome, error) {
			close(started)
			<-release
			return Outcome{RowsIn: 1}, nil
		},
	})
	s.Start()
	s.RunNow(JobNightly, TriggerManual)   // ok: 2000 in, 310 out
	s.RunNow(JobNightly, TriggerSchedule) // failed
	s.RunNow(JobNightly, TriggerManual)   // ok again: the last finished run
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	for _, c := range []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/", 200, "report index"},
		{"HEAD", "/", 200, ""},
		{"GET", "/archive/2026-Q1/", 200, "Q1 review"},
		{"GET", "/data/units.csv", 200, "unit_id"},
		{"GET", "/data/", 404, ""}, // a folder without index.html: no listing
		{"GET", "/archive/", 404, ""},
		{"GET", "/.secret", 404, ""},
		{"GET", "/.git/config", 404, ""},
		{"GET", "/data/../.secret", 404, ""},
		{"GET", "/missing.html", 404, ""},
		{"POST", "/", 405, ""},
		{"PUT", "/index.html", 405, ""},
		{"DELETE", "/metrics", 405, ""},
	} {
		code, body, _ := get(t, c.method, srv.URL+c.path)
		if code != c.code || !strings.Contains(body, c.body) {
			t.Errorf("%s %s = %d %q, want %d containing %q", c.method, c.path, code, body, c.code, c.body)
		}
		if strings.Contains(body, "do not serve") {
			t.Errorf("%s %s leaked a hidden file", c.method, c.path)
		}
	}

	// While the hourly pull runs, /healthz names it.
	go s.RunNow(JobHourlyPull, TriggerManual)
	<-started
	code, body, hdr := get(t, "GET", srv.URL+"/healthz")
	close(release)
	var h Health
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("/healthz = %d %q (%v)", code, body, err)
	}
	if !h.OK || h.State != "running" || h.Running == nil || h.Running.Job != JobHourlyPull {
		t.Errorf("/healthz = %+v, want ok, running hourly_pull", h)
	}
	if _, ok := h.LastSuccess[JobNightly]; !ok || h.LastStatus[JobNightly] != StatusOK {
		t.Errorf("/healthz last success/status = %v / %v", h.LastSuccess, h.LastStatus)
	}
	waitFor(t, 5*time.Second, "the hourly pull to be recorded", func() bool {
		for _, j := range s.Status().Jobs {
			if j.Job == JobHourlyPull && j.Last != nil && j.Last.Status == StatusOK {
				return true
			}
		}
		return false
	})

	code, body, hdr = get(t, "GET", srv.URL+"/metrics")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics = %d, %s", code, hdr.Get("Content-Type"))
	}
	// Three nightly runs (ok, failed, ok) and one hourly pull (ok).
	for _, want := range []string{
		"# TYPE xinfang_job_runs_total counter",
		`xinfang_job_runs_total{job="nightly",status="ok"} 2`,
		`xinfang_job_runs_total{job="nightly",status="failed"} 1`,
		`xinfang_job_runs_total{job="hourly_pull",status="ok"} 1`,
		`xinfang_job_failures_total{job="nightly"} 1`,
		`xinfang_job_failures_total{job="quarterly"} 0`,
		`xinfang_job_rows_in{job="nightly"} 2000`,
		`xinfang_job_rows_out{job="nightly"} 310`,
		`xinfang_job_rows_in{job="hourly_pull"} 1`,
		`xinfang_job_duration_seconds{job="nightly"} `,
		`xinfang_job_last_success_timestamp_seconds{job="nightly"} `,
		`xinfang_job_next_run_timestamp_seconds{job="quarterly"} `,
		`xinfang_job_running{job="nightly"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	checkExposition(t, body)
	// The last success is a real recent Unix time.
	if st := s.Status(); st.Jobs[0].LastOK == nil || time.Since(*st.Jobs[0].LastOK) > time.Minute {
		t.Errorf("nightly last success = %v", st.Jobs[0].LastOK)
	}

	if err := s.Shutdown(time.Second); err != nil {
		t.Fatal(err)
	}
	code, _, _ = get(t, "GET", srv.URL+"/healthz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("/healthz after shutdown = %d, want 503", code)
	}
}

// checkExposition parses the body with Prometheus's own text parser and checks that
// the xinfang families keep their types and that the Go and process collectors are
// there (goroutines, RSS and open file descriptors can be watched).
func checkExposition(t *testing.T, body string) {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	types := map[string]dto.MetricType{
		"xinfang_job_last_success_timestamp_seconds": dto.MetricType_GAUGE,
		"xinfang_job_duration_seconds":               dto.MetricType_GAUGE,
		"xinfang_job_rows_in":                        dto.MetricType_GAUGE,
		"xinfang_job_rows_out":                       dto.MetricType_GAUGE,
		"xinfang_job_failures_total":                 dto.MetricType_COUNTER,
		"xinfang_job_runs_total":                     dto.MetricType_COUNTER,
		"xinfang_job_next_run_timestamp_seconds":     dto.MetricType_GAUGE,
		"xinfang_job_running":                        dto.MetricType_GAUGE,
		"xinfang_source_records":                     dto.MetricType_GAUGE,
		"go_goroutines":                              dto.MetricType_GAUGE,
		"go_memstats_alloc_bytes":                    dto.MetricType_GAUGE,
		"process_resident_memory_bytes":              dto.MetricType_GAUGE,
		"process_open_fds":                           dto.MetricType_GAUGE,
	}
	for name, typ := range types {
		f, ok := fams[name]
		if !ok {
			t.Errorf("/metrics has no %s", name)
			continue
		}
		if f.GetType() != typ || len(f.GetMetric()) == 0 {
			t.Errorf("%s: type %v with %d samples, want %v", name, f.GetType(), len(f.GetMetric()), typ)
		}
	}
}

// The status file beside the database is replaced after every run and carries job
// history, next runs and data freshness (what `xinfang status` shows while the
// scheduler holds the database).
func TestStatusFileAndFreshness(t *testing.T) {
	cfg := testConfig(t)
	s := newScheduler(t, cfg, map[string]Func{JobNightly: sleepJob(0, 3, 4)})
	db := s.DB()
	for _, q := range []string{
		`INSERT INTO sources VALUES ('synthetic', 'synthetic', ['petition_id', 'received_at', 'unit_id'], 'Asia/Shanghai', NULL, TIMESTAMP '2026-03-02 02:00:05')`,
		`INSERT INTO ingest_batches (batch_id, source, file, started_at, finished_at, status, rows_read, rejected)
		 VALUES (1, 'synthetic', NULL, TIMESTAMP '2026-03-01 02:00:00', TIMESTAMP '2026-03-01 02:00:04', 'ok', 3, 0),
		        (2, 'synthetic', NULL, TIMESTAMP '2026-03-02 02:00:00', TIMESTAMP '2026-03-02 02:00:05', 'ok', 3, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	insertPetition(t, db, "A", "2026-02-27")
	insertPetition(t, db, "B", "2026-03-01")
	insertPetition(t, db, "C", "2026-01-05")
	if got := s.RunNow(JobNightly, TriggerManual); got != StatusOK {
		t.Fatalf("run: %s", got)
	}
	st, err := ReadStatusFile(cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	if st.Scheduler == nil || st.Scheduler.PID != os.Getpid() {
		t.Errorf("status scheduler = %+v", st.Scheduler)
	}
	if len(st.Jobs) != 3 || st.Jobs[0].Job != JobNightly || st.Jobs[0].Last == nil || st.Jobs[0].Last.Status != StatusOK ||
		st.Jobs[0].Last.RowsIn != 3 || st.Jobs[0].Last.Trigger != TriggerManual {
		t.Fatalf("status jobs = %+v", st.Jobs)
	}
	// Next nightly ("0 0 2 1 1 *", in testConfig): 02:00 on the next 1 January.
	loc := cfg.Location()
	if n := st.Jobs[0].Next; n == nil || n.In(loc).Format("01-02 15:04:05") != "01-01 02:00:00" {
		t.Errorf("next nightly = %v", n)
	}
	if len(st.Sources) != 1 {
		t.Fatalf("sources = %+v", st.Sources)
	}
	src := st.Sources[0]
	// Three petitions; the latest received 2026-03-01 09:30 local; the last batch is #2.
	if src.Records != 3 || src.MaxReceivedAt == nil || src.MaxReceivedAt.In(loc).Format("2006-01-02 15:04") != "2026-03-01 09:30" ||
		src.UpdatedAt == nil || src.UpdatedAt.In(loc).Format("2006-01-02 15:04:05") != "2026-03-02 02:00:05" ||
		src.LastBatch == nil || src.LastBatch.BatchID != 2 || src.LastBatch.Rejected != 1 || !src.Configured {
		t.Errorf("source freshness = %+v (batch %+v)", src, src.LastBatch)
	}
	// Local times survive the round trip: run start within a minute of now.
	if d := time.Since(st.Jobs[0].Last.Started); d < 0 || d > time.Minute {
		t.Errorf("run started %v, %s ago", st.Jobs[0].Last.Started, d)
	}
	// No temporary files are left beside the database.
	left, _ := filepath.Glob(StatusFile(cfg.Database) + ".tmp*")
	if len(left) != 0 {
		t.Errorf("temporary status files left: %v", left)
	}
}
