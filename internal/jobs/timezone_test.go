package jobs

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/store"
)

// On a UTC host (TZ=UTC in the child processes) with time_zone: Asia/Shanghai, every
// instant the product shows — /metrics, `status --json`, the report's 最近一次导入,
// batch start times and footer — is the real moment of the load, shown at +08:00
// (issue 17: they were UTC wall time labelled +08:00, 8 h early). The window is the
// wall time around the `xinfang run` child; the report shows minutes, so its window
// starts at the minute of t0.
func TestInstantsOnUTCHost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	dbPath := filepath.Join(dir, "x.duckdb")
	cfgPath := filepath.Join(dir, "xinfang.yaml")
	reports := filepath.Join(dir, "reports")
	yaml := fmt.Sprintf(`time_zone: Asia/Shanghai
database: %s
reports_dir: %s
pseudonym:
  key_file: %s
sources:
  - name: synthetic
    kind: synthetic
    synthetic: {records: 1000, seed: 3, years: 2}
jobs:
  nightly: "0 0 2 1 1 *"
  quarterly: "0 0 6 1 1 *"
  catch_up: false
`, dbPath, reports, filepath.Join(dir, "pseudonym.key"))
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TZ=UTC")
	run := func(args ...string) []byte {
		t.Helper()
		c := exec.Command(bin, append(args, "--config", cfgPath)...)
		c.Dir, c.Env = dir, env
		out, err := c.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("xinfang %s: %v\n%s%s", args[0], err, out, stderr)
		}
		return out
	}
	t0 := time.Now()
	run("run")
	t1 := time.Now()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	within := func(what string, v time.Time, from time.Time) {
		t.Helper()
		if v.Before(from) || v.After(t1) {
			t.Errorf("%s = %s, want between %s and %s (the run)", what, v, from.In(shanghai), t1.In(shanghai))
		}
	}

	// status --json: every instant at +08:00 and inside the run.
	var st map[string]any
	if err := json.Unmarshal(run("status", "--json"), &st); err != nil {
		t.Fatal(err)
	}
	// Instants of the load and the run; generated_at (when status ran) is checked apart.
	instantKeys := map[string]bool{"updated_at": true, "started_at": true, "finished_at": true, "last_success": true}
	seen := 0
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && instantKeys[k] {
					tm, err := time.Parse(time.RFC3339Nano, s)
					if err != nil {
						t.Errorf("%s.%s = %q: %v", path, k, s, err)
						continue
					}
					if !strings.HasSuffix(s, "+08:00") {
						t.Errorf("%s.%s = %q: not shown at +08:00", path, k, s)
					}
					within(path+"."+k, tm, t0)
					seen++
				}
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("status", st)
	if g, _ := st["generated_at"].(string); !strings.HasSuffix(g, "+08:00") {
		t.Errorf("status generated_at = %q: not shown at +08:00", g)
	}
	// sources[0].updated_at, its last batch's started/finished, the run's started/finished, last_success.
	if seen < 5 {
		t.Errorf("status --json shows %d instants, want at least 5:\n%v", seen, st)
	}

	// The report: every "YYYY-MM-DD HH:MM ±hh:mm" shown (最近一次导入, batch starts,
	// source loads, the footer) is +08:00 and inside the run, to the minute.
	// html/template writes "+" as &#43;.
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d (?:[+-]|&#43;)\d\d:\d\d`)
	minute := t0.Truncate(time.Minute)
	var lastBatch bool
	htmlFiles := 0
	err := filepath.WalkDir(reports, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		htmlFiles++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, raw := range stamp.FindAll(b, -1) {
			m := strings.Replace(string(raw), "&#43;", "+", 1)
			tm, err := time.Parse("2006-01-02 15:04 -07:00", m)
			if err != nil || !strings.HasSuffix(m, "+08:00") {
				t.Errorf("%s: %q not shown at +08:00 (%v)", p, m, err)
				continue
			}
			within(filepath.Base(p)+" "+m, tm, minute)
		}
		if p == filepath.Join(reports, "index.html") {
			i := strings.Index(string(b), "最近一次导入")
			lastBatch = i >= 0 && stamp.Match(b[i:min(len(b), i+400)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if htmlFiles == 0 || !lastBatch {
		t.Errorf("report: %d HTML files; 最近一次导入 with a zoned time on index.html: %v", htmlFiles, lastBatch)
	}

	// /metrics from a scheduler started on the same database.
	addr := freePort(t)
	sched := exec.Command(bin, "schedule", "--config", cfgPath, "--serve", addr)
	sched.Dir, sched.Env = dir, env
	if err := sched.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- sched.Wait() }()
	var metrics string
	waitFor(t, 60*time.Second, "/metrics", func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		metrics = string(b)
		return resp.StatusCode == 200 && strings.Contains(metrics, "xinfang_source_updated_timestamp_seconds{")
	})
	_ = sched.Process.Signal(syscall.SIGTERM)
	if err := <-exited; err != nil {
		t.Errorf("scheduler exit: %v", err)
	}
	found := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(metrics))
	for sc.Scan() {
		line := sc.Text()
		for _, name := range []string{"xinfang_source_updated_timestamp_seconds", "xinfang_job_last_success_timestamp_seconds"} {
			if !strings.HasPrefix(line, name+"{") {
				continue
			}
			f := strings.Fields(line)
			v, err := strconv.ParseFloat(f[len(f)-1], 64)
			if err != nil {
				t.Errorf("%s: %v", line, err)
				continue
			}
			found[name] = true
			within(line, time.UnixMilli(int64(v*1000)), t0.Truncate(time.Millisecond))
		}
	}
	if len(found) != 2 {
		t.Errorf("metrics: found %v, want both timestamp series\n%s", found, metrics)
	}

	// The stored instants are TIMESTAMPTZ, rejected.logged_at included.
	db, err := store.Open(context.Background(), dbPath, store.Options{TimeZone: "Asia/Shanghai", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var naive string
	if err := db.QueryRow(`SELECT coalesce(string_agg(table_name || '.' || column_name, ', '), '') FROM information_schema.columns
		WHERE (table_name, column_name) IN (('sources','updated_at'), ('ingest_batches','started_at'), ('ingest_batches','finished_at'),
		       ('rejected','logged_at'), ('job_runs','started_at'), ('job_runs','finished_at'))
		  AND data_type <> 'TIMESTAMP WITH TIME ZONE'`).Scan(&naive); err != nil || naive != "" {
		t.Errorf("columns not TIMESTAMPTZ: %q %v", naive, err)
	}
}
