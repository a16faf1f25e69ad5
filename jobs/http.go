package jobs

import (
	"encoding/json"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Handler serves the report folder read-only, /healthz and /metrics.
func (s *Scheduler) Handler() http.Handler { return NewHandler(s.cfg.ReportsDir, s.Status) }

// NewHandler serves reportsDir (GET/HEAD only; no hidden files; no directory
// listings — a folder is served only through its index.html), GET /healthz and
// GET /metrics from status().
func NewHandler(reportsDir string, status func() *Status) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { serveHealth(w, r, status()) })
	mux.Handle("/metrics", metricsHandler(status))
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
