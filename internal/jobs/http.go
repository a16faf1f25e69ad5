package jobs

import (
	"encoding/json"
	"fmt"
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

// reportFiles serves regular files that are really inside dir: every path is
// resolved through its symlinks first, and one that lands outside the folder
// (reports/leak.html -> /etc/passwd) or on anything but a regular file is a 404.
// The file served is the resolved one, opened once, so a swap in between cannot
// substitute another.
func reportFiles(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ".") {
				http.NotFound(w, r)
				return
			}
		}
		f, fi, err := openInside(dir, p)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		if fi.IsDir() {
			if !strings.HasSuffix(r.URL.Path, "/") {
				// Relative links in index.html need the trailing slash.
				http.Redirect(w, r, path.Base(p)+"/", http.StatusMovedPermanently)
				return
			}
			f.Close()
			if f, fi, err = openInside(dir, path.Join(p, "index.html")); err != nil || fi.IsDir() {
				http.NotFound(w, r)
				return
			}
			defer f.Close()
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	})
}

// openInside opens the file or folder at URL path p under root after resolving
// symlinks, refusing anything whose real location is outside root's real location
// or that is neither a regular file nor a folder.
func openInside(root, p string) (*os.File, os.FileInfo, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(realRoot, filepath.FromSlash(p)))
	if err != nil {
		return nil, nil, err
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return nil, nil, fmt.Errorf("%s is outside the report folder", p)
	}
	for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(seg, ".") && seg != "." {
			return nil, nil, fmt.Errorf("%s resolves to a hidden file", p)
		}
	}
	// Stat before opening: opening a FIFO would block the request.
	if st, err := os.Stat(real); err != nil || !(st.Mode().IsRegular() || st.IsDir()) {
		return nil, nil, fmt.Errorf("%s is not a regular file", p)
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil || !(fi.Mode().IsRegular() || fi.IsDir()) {
		f.Close()
		return nil, nil, fmt.Errorf("%s is not a regular file", p)
	}
	return f, fi, nil
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
