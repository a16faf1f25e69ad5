package jobs

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 10 item 10: the report server (a real server on 127.0.0.1) serves only
// regular files really inside reports_dir: a symlink to /etc/passwd, a symlinked
// folder leading out, a symlink to a hidden staging folder and a FIFO are all 404,
// while a symlink that stays inside the folder still works.
func TestReportServerStaysInsideReportsDir(t *testing.T) {
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Skip("no /etc/passwd to point at")
	}
	base := t.TempDir()
	reports := filepath.Join(base, "reports")
	writeFile(t, filepath.Join(reports, "index.html"), "<h1>report index</h1>")
	writeFile(t, filepath.Join(reports, "unit", "U1.html"), "unit page")
	writeFile(t, filepath.Join(base, "outside", "secret.html"), "do not serve")
	writeFile(t, filepath.Join(reports, ".reports.new-1", "index.html"), "do not serve")
	for link, target := range map[string]string{
		"leak.html":      "/etc/passwd",
		"out":            filepath.Join(base, "outside"),
		"up.html":        "../outside/secret.html",
		"staging":        ".reports.new-1",
		"alias.html":     "unit/U1.html",
		"unit/back.html": "../index.html",
	} {
		if err := os.Symlink(target, filepath.Join(reports, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mkfifo(filepath.Join(reports, "pipe.html")); err != nil {
		t.Logf("no FIFO case: %v", err)
	}
	srv := httptest.NewServer(NewHandler(reports, func() *Status { return &Status{} }))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("server at %s, want 127.0.0.1", srv.URL)
	}
	for _, c := range []struct {
		path string
		code int // 0 = anything but 200
		body string
	}{
		{"/", 200, "report index"},
		{"/unit/U1.html", 200, "unit page"},
		{"/alias.html", 200, "unit page"}, // a symlink inside the folder
		{"/unit/back.html", 200, "report index"},
		{"/unit", 301, ""},
		{"/leak.html", 404, ""},
		{"/out/secret.html", 404, ""},
		{"/up.html", 404, ""},
		{"/staging/index.html", 404, ""},
		{"/staging/", 404, ""},
		{"/pipe.html", 404, ""},
		{"/../outside/secret.html", 0, ""}, // the mux redirects to the cleaned path, a 404

		{"/%2e%2e/outside/secret.html", 404, ""},
	} {
		code, body, _ := getNoRedirect(t, srv.URL+c.path)
		if (c.code == 0 && code == 200) || (c.code != 0 && code != c.code) || !strings.Contains(body, c.body) {
			t.Errorf("GET %s = %d %q, want %d containing %q", c.path, code, body, c.code, c.body)
		}
		if strings.Contains(body, "root:") || strings.Contains(body, "do not serve") {
			t.Errorf("GET %s leaked a file from outside the report folder", c.path)
		}
	}
}
