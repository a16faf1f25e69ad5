package jobs

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinfang/xinfang/alerts"
)

// Handler serves the report folder read-only, /healthz and /metrics.
func (s *Scheduler) Handler() http.Handler { return NewHandler(s.cfg.ReportsDir, s.Status) }

// NewHandler serves reportsDir (GET/HEAD only; no hidden files; no directory
// listings — a folder is served only through its index.html), GET /healthz and
// GET /metrics from status().
func NewHandler(reportsDir string, status func() *Status) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { serveHealth(w, r, status()) })
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if r.Method == http.MethodHead {
			return
		}
		_ = WriteMetrics(w, status())
	})
	mux.Handle("/", reportFiles(reportsDir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: the report server is read-only", http.StatusMethodNotAllowed)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func reportFiles(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ".") {
				http.NotFound(w, r)
				return
			}
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		fi, err := os.Stat(full)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if fi.IsDir() {
			if ix, err := os.Stat(filepath.Join(full, "index.html")); err != nil || !ix.Mode().IsRegular() {
				http.NotFound(w, r)
				return
			}
		} else if !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// Health is the /healthz body.
type Health struct {
	OK          bool                 `json:"ok"`
	State       string               `json:"state"`
	Time        time.Time            `json:"time"`
	Running     *RunningJob          `json:"running"`
	LastSuccess map[string]time.Time `json:"last_success"`
	LastStatus  map[string]string    `json:"last_status"`
}

func serveHealth(w http.ResponseWriter, r *http.Request, st *Status) {
	h := Health{Time: time.Now(), LastSuccess: map[string]time.Time{}, LastStatus: map[string]string{}}
	if st.Scheduler != nil {
		h.State, h.Running = st.Scheduler.State, st.Scheduler.Running
	}
	h.OK = h.State == "running"
	for _, j := range st.Jobs {
		if j.LastOK != nil {
			h.LastSuccess[j.Job] = *j.LastOK
		}
		if j.Last != nil {
			h.LastStatus[j.Job] = j.Last.Status
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !h.OK {
		// Shutting down: tell load balancers to stop sending traffic.
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if r.Method == http.MethodHead {
		return
	}
	_ = json.NewEncoder(w).Encode(h)
}

// WriteMetrics writes st in the Prometheus text exposition format (version 0.0.4).
func WriteMetrics(w io.Writer, st *Status) error {
	var b strings.Builder
	family := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	sample := func(name string, labels [][2]string, v float64) {
		b.WriteString(name)
		if len(labels) > 0 {
			b.WriteByte('{')
			for i, l := range labels {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `%s="%s"`, l[0], escapeLabel(l[1]))
			}
			b.WriteByte('}')
		}
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
		b.WriteByte('\n')
	}
	job := func(j string) [][2]string { return [][2]string{{"job", j}} }
	unix := func(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

	family("xinfang_job_last_success_timestamp_seconds", "gauge", "Unix time the job last finished with status ok.")
	for _, j := range st.Jobs {
		if j.LastOK != nil {
			sample("xinfang_job_last_success_timestamp_seconds", job(j.Job), unix(*j.LastOK))
		}
	}
	family("xinfang_job_duration_seconds", "gauge", "Duration of the job's last finished run (skipped runs excluded).")
	for _, j := range st.Jobs {
		if j.LastDone != nil {
			sample("xinfang_job_duration_seconds", job(j.Job), j.LastDone.Duration().Seconds())
		}
	}
	family("xinfang_job_rows_in", "gauge", "Source rows read by the job's last finished run.")
	for _, j := range st.Jobs {
		if j.LastDone != nil {
			sample("xinfang_job_rows_in", job(j.Job), float64(j.LastDone.RowsIn))
		}
	}
	family("xinfang_job_rows_out", "gauge", "Mart rows written by the job's last finished run.")
	for _, j := range st.Jobs {
		if j.LastDone != nil {
			sample("xinfang_job_rows_out", job(j.Job), float64(j.LastDone.RowsOut))
		}
	}
	family("xinfang_job_failures_total", "counter", "Runs of the job that failed, panicked or were interrupted by a crash (from job_runs).")
	for _, j := range st.Jobs {
		sample("xinfang_job_failures_total", job(j.Job), float64(j.Failures()))
	}
	family("xinfang_job_runs_total", "counter", "Runs of the job by status (from job_runs).")
	for _, j := range st.Jobs {
		statuses := make([]string, 0, len(j.Runs))
		for s := range j.Runs {
			statuses = append(statuses, s)
		}
		sort.Strings(statuses)
		for _, s := range statuses {
			sample("xinfang_job_runs_total", [][2]string{{"job", j.Job}, {"status", s}}, float64(j.Runs[s]))
		}
	}
	family("xinfang_job_next_run_timestamp_seconds", "gauge", "Unix time of the job's next scheduled run.")
	for _, j := range st.Jobs {
		if j.Next != nil {
			sample("xinfang_job_next_run_timestamp_seconds", job(j.Job), unix(*j.Next))
		}
	}
	family("xinfang_job_running", "gauge", "1 while the job is running.")
	for _, j := range st.Jobs {
		v := 0.0
		if st.Scheduler != nil && st.Scheduler.Running != nil && st.Scheduler.Running.Job == j.Job {
			v = 1
		}
		sample("xinfang_job_running", job(j.Job), v)
	}
	family("xinfang_source_records", "gauge", "Petition records stored per source.")
	for _, s := range st.Sources {
		sample("xinfang_source_records", [][2]string{{"source", s.Source}}, float64(s.Records))
	}
	family("xinfang_source_updated_timestamp_seconds", "gauge", "Unix time of the source's last successful load (sources.updated_at).")
	for _, s := range st.Sources {
		if s.UpdatedAt != nil {
			sample("xinfang_source_updated_timestamp_seconds", [][2]string{{"source", s.Source}}, unix(*s.UpdatedAt))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return alerts.WritePrometheus(w, st.Alerts)
}

func escapeLabel(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}
