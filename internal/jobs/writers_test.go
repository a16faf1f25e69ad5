package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/orchestrate"
	"github.com/xinfang/xinfang/internal/store"
)

// writeTestConfig writes a config for the real binary with its database at dbPath.
func writeTestConfig(t *testing.T, dir, dbPath string, records int) string {
	t.Helper()
	cfgPath := filepath.Join(dir, "xinfang.yaml")
	yaml := fmt.Sprintf(`time_zone: Asia/Shanghai
database: %s
reports_dir: %s
pseudonym:
  key_file: %s
sources:
  - name: synthetic
    kind: synthetic
    synthetic: {records: %d, seed: 5, years: 2}
jobs:
  nightly: "0 0 2 1 1 *"
  quarterly: "0 0 6 1 1 *"
  catch_up: false
`, dbPath, filepath.Join(dir, "reports"), filepath.Join(dir, "pseudonym.key"), records)
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

// Issue 10 item 9: `xinfang status` works while a manual `run` holds a database that
// had no status snapshot before (every writer writes one on opening), and shows the
// run in flight.
func TestStatusWhileManualRunHoldsFreshDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	dbPath := filepath.Join(dir, "x.duckdb")
	cfgPath := writeTestConfig(t, dir, dbPath, 3000)
	run := exec.Command(bin, "run", "--config", cfgPath)
	run.Dir = dir
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	defer func() {
		if run.ProcessState == nil {
			_ = run.Process.Kill()
			<-exited
		}
	}()
	// Wait until the run holds the lock and its job_runs row is in the snapshot.
	waitFor(t, 60*time.Second, "the run holding the database with its run in the snapshot", func() bool {
		if store.ReadLockHolder(dbPath) == nil {
			return false
		}
		st, err := ReadStatusFile(dbPath)
		if err != nil {
			return false
		}
		for _, j := range st.Jobs {
			if j.Last != nil && j.Last.Status == StatusRunning {
				return true
			}
		}
		return false
	})
	out, err := exec.Command(bin, "status", "--config", cfgPath).CombinedOutput()
	still := run.ProcessState == nil && store.ReadLockHolder(dbPath) != nil
	if err != nil || !strings.Contains(string(out), "snapshot") || !strings.Contains(string(out), "xinfang run") ||
		!strings.Contains(string(out), "running") {
		t.Errorf("xinfang status during a manual run: %v\n%s", err, out)
	}
	if !still {
		t.Fatal("the run finished before status was checked; the test proves nothing (use more records)")
	}
	if err := <-exited; err != nil {
		t.Fatalf("xinfang run: %v", err)
	}
}

// Issue 10 item 12: a full disk during compute fails the run, and the UPDATE of its
// job_runs row fails too. The outcome is kept in the status file (rewritten in place),
// `xinfang status` says the run failed and why, and the next writer records it in
// job_runs instead of leaving it running (or calling it "interrupted").
// The database lives on a tmpfs a little larger than the ingested file (root only).
func TestDiskFullDuringComputeIsRecorded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run this as root: it mounts a small tmpfs")
		}
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	// Ingest on the ordinary disk, then move the file onto a tmpfs with 1 MiB to spare.
	seed := filepath.Join(dir, "seed.duckdb")
	seedCfg := writeTestConfig(t, dir, seed, 2000)
	if out, err := exec.Command(bin, "ingest", "--config", seedCfg).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	fi, err := os.Stat(seed)
	if err != nil {
		t.Fatal(err)
	}
	mnt := filepath.Join(dir, "full")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	size := fi.Size() + 1<<20
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	dbPath := filepath.Join(mnt, "x.duckdb")
	b, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dbPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := writeTestConfig(t, dir, dbPath, 2000)

	out, err := exec.Command(bin, "run", "--skip-ingest", "--config", cfgPath).CombinedOutput()
	if err == nil {
		t.Fatalf("run on a full disk succeeded; the tmpfs is too large for the test:\n%s", out)
	}
	if !strings.Contains(strings.ToLower(string(out)), "space") {
		t.Logf("run output (expected a no-space failure):\n%s", out)
	}

	statusOf := func() (*Status, string) {
		t.Helper()
		c := exec.Command(bin, "status", "--json", "--config", cfgPath)
		js, err := c.Output()
		if err != nil {
			t.Fatalf("status --json: %v\n%s", err, js)
		}
		var st Status
		if err := json.Unmarshal(js, &st); err != nil {
			t.Fatal(err)
		}
		text, _ := exec.Command(bin, "status", "--config", cfgPath).CombinedOutput()
		return &st, string(text)
	}
	lastRun := func(st *Status) *RunRow {
		for _, j := range st.Jobs {
			if j.Job == "run" {
				return j.Last
			}
		}
		return nil
	}
	// Either the database took the failure (DuckDB's rollback freed the space) or the
	// outcome was kept in the status file; never a run left "running".
	st, text := statusOf()
	r := lastRun(st)
	if r == nil || r.Status != StatusFailed || r.Finished == nil || !strings.Contains(r.Error, "No space left") {
		t.Fatalf("status after the disk-full run: last run %+v\n%s", r, text)
	}
	if !strings.Contains(text, "failed") || !strings.Contains(text, "No space left") {
		t.Errorf("status text does not say the run failed for lack of space:\n%s", text)
	}
	kept := strings.Contains(r.Error, "could not take it")
	t.Logf("outcome kept in the status file: %v", kept)
	if !kept {
		return
	}

	// With space again, the next writer writes the kept outcome into job_runs.
	if out, err := exec.Command("mount", "-o", "remount,size=512m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	if out, err := exec.Command(bin, "compute", "--config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("compute after freeing space: %v\n%s", err, out)
	}
	db, err := store.Open(t.Context(), dbPath, store.Options{TimeZone: "Asia/Shanghai", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status, msg string
	if err := db.QueryRow(`SELECT status, error FROM job_runs WHERE run_id = ?`, r.RunID).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != StatusFailed || !strings.Contains(msg, "recorded late") {
		t.Errorf("job_runs row %d after the next writer: %s %q", r.RunID, status, msg)
	}
}

// mountSmallTmpfs mounts a tmpfs of size bytes under a temporary folder (root only).
func mountSmallTmpfs(t *testing.T, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must run this as root: it mounts a small tmpfs")
		}
		t.Skip("needs root to mount a small tmpfs")
	}
	mnt := filepath.Join(t.TempDir(), "full")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	return mnt
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			return
		}
	}
}

// The path the CLI test above may not reach: the disk stays full after the job
// fails, so the job_runs UPDATE fails too (twice). The outcome is kept in the status
// file (rewritten in place: there is no room for a new file), BuildStatus shows the
// run failed with both errors, and once there is room the next writer records it.
func TestOutcomeKeptInStatusFileWhenDatabaseCannotTakeIt(t *testing.T) {
	mnt := mountSmallTmpfs(t, 16<<20)
	cfg := testConfig(t)
	cfg.Database = filepath.Join(mnt, "x.duckdb")
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.Database, orchestrate.StoreOptions(cfg, "test"))
	if err != nil {
		t.Fatal(err)
	}
	// As every writer does on opening.
	if err := WriteStatusFile(ctx, db, cfg, nil); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(mnt, "filler")
	_, runErr := RunRecorded(ctx, db, cfg, "run", TriggerManual, func(ctx context.Context, r *Run) (Outcome, error) {
		fillDisk(t, filler)
		// A detail larger than a page: the UPDATE's WAL record needs new blocks
		// (a few bytes still fit in the WAL's last, partly used page).
		return Outcome{Detail: map[string]any{"log": strings.Repeat("x", 64<<10)}}, errors.New("compute: no space left on device")
	})
	if runErr == nil {
		t.Fatal("RunRecorded: no error")
	}
	file, err := ReadStatusFile(cfg.Database)
	if err != nil || len(file.Unrecorded) != 1 || file.Unrecorded[0].Status != StatusFailed {
		t.Fatalf("status file after the unrecordable outcome: %+v %v", file, err)
	}
	st, err := BuildStatus(ctx, db, cfg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var last *RunRow
	for _, j := range st.Jobs {
		if j.Job == "run" {
			last = j.Last
			if j.Runs[StatusRunning] != 0 || j.Runs[StatusFailed] != 1 {
				t.Errorf("run counts %v, want 1 failed and none running", j.Runs)
			}
		}
	}
	if last == nil || last.Status != StatusFailed || last.Finished == nil ||
		!strings.Contains(last.Error, "no space left") || !strings.Contains(last.Error, "could not take it") {
		t.Fatalf("status shows %+v", last)
	}
	_ = db.Close() // may fail: the disk is still full
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, cfg.Database, orchestrate.StoreOptions(cfg, "test"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := MarkInterrupted(ctx, db, time.Now()); err != nil {
		t.Fatal(err)
	}
	var status, msg string
	if err := db.QueryRow(`SELECT status, error FROM job_runs WHERE run_id = ?`, last.RunID).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != StatusFailed || !strings.Contains(msg, "no space left") || !strings.Contains(msg, "recorded late") {
		t.Errorf("job_runs after the next writer: %s %q", status, msg)
	}
}
