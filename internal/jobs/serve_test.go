package jobs

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinfang/xinfang/internal/auth"
	"github.com/xinfang/xinfang/internal/config"
)

// The whole report server with sign-in and audiences, on a real 127.0.0.1 server:
// a P1 user reads P1's site and gets 403 on P2's and on the whole-system site;
// /healthz needs no sign-in; /metrics answers loopback; the access log records the
// sign-in and the refusals.
func TestServeWithAudiences(t *testing.T) {
	cfg := testConfig(t)
	for _, p := range []string{"index.html", "P1/index.html", "P1/unit/a.html", "P2/index.html"} {
		writeFile(t, filepath.Join(cfg.ReportsDir, p), "<p>"+p+"</p>")
	}
	cfg.Audiences = []config.Audience{{ID: "P1", Units: []string{"P1"}}, {ID: "P2", Units: []string{"P2"}}}
	cfg.Auth.UsersFile = filepath.Join(t.TempDir(), "users.json")
	if err := auth.AddUser(cfg.Auth.UsersFile, "p1", "p1-long-password", []string{"P1"}, []string{"P1", "P2"}); err != nil {
		t.Fatal(err)
	}
	if err := auth.AddUser(cfg.Auth.UsersFile, "x", "x-long-password", []string{"P9"}, []string{"P1", "P2"}); err == nil {
		t.Fatal("an unknown audience must be refused")
	}
	h, closer, err := ServeHandler(cfg, NewHandler(cfg.ReportsDir, func() *Status { return &Status{} }))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()

	if code, body, _ := get(t, "GET", srv.URL+"/healthz"); code != http.StatusServiceUnavailable && code != http.StatusOK || !strings.Contains(body, `"state"`) {
		t.Fatalf("/healthz without sign-in: %d %s", code, body)
	}
	if code, _, _ := get(t, "GET", srv.URL+"/metrics"); code != http.StatusOK {
		t.Fatalf("/metrics from loopback: %d", code)
	}
	if code, _, _ := get(t, "GET", srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("P1 page without sign-in: %d, want 401", code)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"user": {"p1"}, "password": {"p1-long-password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	status := func(p string) int {
		resp, err := c.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for p, want := range map[string]int{"/P1/index.html": 200, "/P1/unit/a.html": 200, "/P2/index.html": 403, "/index.html": 403, "/P1/": 200} {
		if got := status(p); got != want {
			t.Errorf("p1 GET %s: %d, want %d", p, got, want)
		}
	}
	log, err := os.ReadFile(AccessLogPath(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(AccessLogPath(cfg)); st.Mode().Perm() != 0o600 {
		t.Errorf("access log mode %v, want 0600", st.Mode().Perm())
	}
	for _, want := range []string{`"user":"p1"`, `"result":"sign-in ok"`, `"path":"/P2/index.html","result":"denied"`} {
		if !bytes.Contains(log, []byte(want)) {
			t.Errorf("access log lacks %s:\n%s", want, log)
		}
	}
	if bytes.Contains(log, []byte("p1-long-password")) {
		t.Fatal("the access log holds a password")
	}
}

// /metrics is refused to a client that is not on loopback unless serve.metrics is
// public. (A request from another address cannot be made here, so the handler is
// called with such a RemoteAddr.)
func TestMetricsLoopbackOnly(t *testing.T) {
	cfg := testConfig(t)
	for _, public := range []bool{false, true} {
		cfg.Serve.Metrics = "loopback"
		if public {
			cfg.Serve.Metrics = "public"
		}
		h, closer, err := ServeHandler(cfg, NewHandler(cfg.ReportsDir, func() *Status { return &Status{} }))
		if err != nil {
			t.Fatal(err)
		}
		closer.Close()
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = "192.0.2.10:40000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		want := http.StatusForbidden
		if public {
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("metrics=%s from 192.0.2.10: %d, want %d", cfg.Serve.Metrics, rec.Code, want)
		}
	}
}

func TestCheckServeAddr(t *testing.T) {
	cfg := testConfig(t)
	for addr, ok := range map[string]bool{"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:8080": true,
		":8080": false, "0.0.0.0:8080": false, "192.0.2.1:8080": false} {
		if err := CheckServeAddr(cfg, addr); (err == nil) != ok {
			t.Errorf("no auth, %s: %v", addr, err)
		}
	}
	cfg.Auth.UsersFile = "/x/users.json"
	if err := CheckServeAddr(cfg, ":8080"); err != nil {
		t.Errorf("with auth, :8080: %v", err)
	}
}

// The real binary refuses to serve every interface without sign-in, saying why.
func TestScheduleRefusesUnauthenticatedNetworkBind(t *testing.T) {
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	cfgPath := filepath.Join(dir, "c.yaml")
	writeFile(t, cfgPath, "database: "+filepath.Join(dir, "x.duckdb")+"\nreports_dir: "+filepath.Join(dir, "r")+"\n")
	out, err := exec.Command(bin, "schedule", "--config", cfgPath, "--serve", ":0").CombinedOutput()
	if err == nil {
		t.Fatalf("schedule --serve :0 without auth exited 0:\n%s", out)
	}
	if !strings.Contains(string(out), "non-loopback address without authentication") || !strings.Contains(string(out), "auth.users_file") {
		t.Fatalf("refusal does not say why:\n%s", out)
	}
}
