// Package crashtest kills the real xinfang binary with SIGKILL at random points of
// ingest, compute, report and report --quarter, lets the next run recover, and
// compares the database and the site with a clean run's. It runs only with
// XINFANG_CRASHTEST=1 (scripts/crashtest.sh); XINFANG_CRASH_TRIALS sets the number
// of kills (default 4: one per stage, in turn), XINFANG_CRASH_SEED the random seed,
// XINFANG_CRASH_STAGES (e.g. "ingest,compute") the stages killed, XINFANG_CRASH_DIR
// a folder to keep the work in.
package crashtest

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

type stage struct {
	name string
	args []string
}

var stages = []stage{
	{"ingest", []string{"ingest"}},
	{"compute", []string{"compute"}},
	{"report", []string{"report"}},
	{"quarter", []string{"report", "--quarter", "2026-Q1"}},
}

const configYAML = `time_zone: Asia/Shanghai
as_of: "2026-05-20"
database: ./db/x.duckdb
reports_dir: ./site/reports
pseudonym:
  key_file: ./key/pseudonym.key
units:
  file: %[1]s/units.csv
sources:
  - name: letters
    kind: csv
    path: %[1]s/petitions.csv
`

func TestCrashRecovery(t *testing.T) {
	if os.Getenv("XINFANG_CRASHTEST") != "1" {
		t.Skip("set XINFANG_CRASHTEST=1 (scripts/crashtest.sh) to kill the real binary at random points")
	}
	trials := 4
	if v := os.Getenv("XINFANG_CRASH_TRIALS"); v != "" {
		trials, _ = strconv.Atoi(v)
	}
	seed := time.Now().UnixNano()
	if v := os.Getenv("XINFANG_CRASH_SEED"); v != "" {
		seed, _ = strconv.ParseInt(v, 10, 64)
	}
	t.Logf("seed %d (XINFANG_CRASH_SEED=%d repeats this run)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	// Under umask 027 the site must come out 0640/0750 and the database and key 0600.
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)

	root := t.TempDir()
	if d := os.Getenv("XINFANG_CRASH_DIR"); d != "" { // keep the work folders for a look
		root = d
		os.RemoveAll(root)
		os.MkdirAll(root, 0o755)
	}
	bin := filepath.Join(root, "xinfang")
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	build := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, ".")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(root, "data")
	makeData(t, bin, data)
	key := filepath.Join(root, "pseudonym.key")
	if err := os.WriteFile(key, []byte(strings.Repeat("5a", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	clean := newWorkdir(t, root, "clean", data, key)
	took := map[string]time.Duration{}
	for _, s := range stages {
		start := time.Now()
		clean.run(t, s.args...)
		took[s.name] = time.Since(start)
	}
	t.Logf("clean run: %v", took)
	want := snapshot(t, clean)
	checkModes(t, clean)

	kill := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("XINFANG_CRASH_STAGES"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			kill[n] = true
		}
	}
	var killable []int
	for k, s := range stages {
		if len(kill) == 0 || kill[s.name] {
			killable = append(killable, k)
		}
	}
	if len(killable) == 0 {
		t.Fatalf("XINFANG_CRASH_STAGES=%q names no stage (ingest, compute, report, quarter)", os.Getenv("XINFANG_CRASH_STAGES"))
	}
	for i := 0; i < trials; i++ {
		k := killable[i%len(killable)]
		s := stages[k]
		w := newWorkdir(t, root, fmt.Sprintf("trial%d-%s", i, s.name), data, key)
		for _, before := range stages[:k] {
			w.run(t, before.args...)
		}
		delay := time.Duration(rng.Int63n(int64(took[s.name]) + 1))
		killed := w.kill(t, delay, s.args...)
		t.Logf("trial %d: %s killed after %s (finished first: %v)", i, s.name, delay.Round(time.Millisecond), !killed)
		// The next run: the killed stage again, then the rest.
		for _, after := range stages[k:] {
			w.run(t, after.args...)
		}
		got := snapshot(t, w)
		if diff := compare(want, got); diff != "" {
			t.Errorf("trial %d (%s killed after %s): after recovery the %s", i, s.name, delay, diff)
		}
		checkModes(t, w)
	}
}

// makeData writes a small canonical data set: the generator's records for the
// ministry and the first city of the first province only (about 30 units), so a
// compute takes seconds.
func makeData(t *testing.T, bin, dir string) {
	gen := exec.Command(bin, "generate", "--out", dir, "--records", "20000", "--years", "2", "--seed", "7", "--as-of", "2026-05-20")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	keep := func(id string) bool {
		return id == "MOJ" || strings.HasPrefix(id, "MOJF") || id == "P01" || strings.HasPrefix(id, "P01F") || strings.HasPrefix(id, "P01C01")
	}
	filter := func(name, col string) {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		idx := -1
		for i, h := range rows[0] {
			if h == col {
				idx = i
			}
		}
		if idx < 0 {
			t.Fatalf("%s has no %s column", name, col)
		}
		out := rows[:1]
		for _, r := range rows[1:] {
			if keep(r[idx]) {
				out = append(out, r)
			}
		}
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		cw.WriteAll(out)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	filter("units.csv", "unit_id")
	filter("petitions.csv", "unit_id")
}

type workdir struct{ dir, bin, cfg string }

func newWorkdir(t *testing.T, root, name, data, key string) *workdir {
	dir := filepath.Join(root, name)
	for _, d := range []string{"key", "db", "site"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(key)
	if err := os.WriteFile(filepath.Join(dir, "key", "pseudonym.key"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "xinfang.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(configYAML, data)), 0o644); err != nil {
		t.Fatal(err)
	}
	return &workdir{dir: dir, bin: filepath.Join(root, "xinfang"), cfg: cfg}
}

func (w *workdir) command(args ...string) *exec.Cmd {
	c := exec.Command(w.bin, append(args, "--config", w.cfg)...)
	c.Dir = w.dir
	c.Env = append(os.Environ(), "XINFANG_PSEUDONYM_KEY=")
	return c
}

func (w *workdir) run(t *testing.T, args ...string) {
	t.Helper()
	var stderr bytes.Buffer
	c := w.command(args...)
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		// A quarter already archived by the killed run is not an error for this test.
		if len(args) > 1 && args[1] == "--quarter" && strings.Contains(stderr.String(), "already archived") {
			return
		}
		t.Fatalf("%s %v: %v\n%s", w.dir, args, err, stderr.String())
	}
}

// kill starts the command and sends SIGKILL after delay; false when it had
// already finished by then.
func (w *workdir) kill(t *testing.T, delay time.Duration, args ...string) bool {
	t.Helper()
	c := w.command(args...)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
		return false
	case <-time.After(delay):
		_ = c.Process.Signal(syscall.SIGKILL)
		<-done
		return true
	}
}

// state is what a run leaves: a digest per database table and per site file.
type state map[string]string

var stamp = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?`)

// volatileColumns change from run to run by design (clock times, batch ids).
var volatileColumns = regexp.MustCompile(`^(batch_id|logged_at|started_at|finished_at|updated_at|applied_at|built_at|generated_at|computed_at|created_at|checked_at)$`)

func snapshot(t *testing.T, w *workdir) state {
	t.Helper()
	st := state{}
	db, err := sql.Open("duckdb", filepath.Join(w.dir, "db", "x.duckdb")+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT table_schema, table_name FROM information_schema.tables
		WHERE table_schema IN ('main', 'mart') AND table_name NOT IN ('ingest_batches', 'job_runs', 'schema_migrations', 'meta', 'sources')
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatalf("%s: database unreadable: %v", w.dir, err)
	}
	var tables []string
	for rows.Next() {
		var s, n string
		rows.Scan(&s, &n)
		tables = append(tables, s+"."+n)
	}
	rows.Close()
	for _, tb := range tables {
		st["db "+tb] = tableDigest(t, db, tb)
	}
	site := filepath.Join(w.dir, "site", "reports")
	filepath.WalkDir(filepath.Join(w.dir, "site"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(site, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") {
				st["staging left behind: "+rel] = "present"
			}
			return nil
		}
		b, _ := os.ReadFile(p)
		if strings.HasSuffix(p, ".docx") {
			// A zip with timestamps: compare the document's text part itself.
			b = docxBody(b)
		}
		if strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".parquet") || d.Name() == "quality.html" {
			// Zipped with timestamps, or (the data-quality page) listing every ingest
			// batch, which a re-run after a kill legitimately adds to: presence only.
			st["site "+rel] = "present"
			return nil
		}
		sum := sha256.Sum256(stamp.ReplaceAll(b, []byte("<time>")))
		st["site "+rel] = hex.EncodeToString(sum[:8])
		return nil
	})
	return st
}

func tableDigest(t *testing.T, db *sql.DB, table string) string {
	rows, err := db.Query("SELECT * FROM " + table)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var lines []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			// Types that do not scan into text (lists, structs): compare row counts only.
			lines = append(lines, "row")
			continue
		}
		var b strings.Builder
		for i, v := range vals {
			if volatileColumns.MatchString(cols[i]) {
				continue
			}
			b.WriteString(v.String)
			b.WriteByte(0x1f)
		}
		lines = append(lines, b.String())
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:8]))
}

func compare(want, got state) string {
	var diffs []string
	for k, v := range want {
		if got[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: %q, clean run %q", k, got[k], v))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: %q, not in the clean run", k, v))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 8 {
		diffs = append(diffs[:8], fmt.Sprintf("… %d more", len(diffs)-8))
	}
	if len(diffs) == 0 {
		return ""
	}
	return "differs from the clean run:\n  " + strings.Join(diffs, "\n  ")
}

// checkModes: database and key 0600, site files 0640 and folders 0750 (umask 027).
func checkModes(t *testing.T, w *workdir) {
	t.Helper()
	for _, p := range []string{filepath.Join(w.dir, "db", "x.duckdb"), filepath.Join(w.dir, "key", "pseudonym.key")} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", p, st.Mode().Perm(), err)
		}
	}
	filepath.WalkDir(filepath.Join(w.dir, "site", "reports"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		want := fs.FileMode(0o640)
		if d.IsDir() {
			want = 0o750
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v under umask 027", p, fi.Mode().Perm(), want)
			return filepath.SkipAll
		}
		return nil
	})
}

// docxBody is word/document.xml of a DOCX (nil when unreadable, which then differs
// from a readable clean copy).
func docxBody(b []byte) []byte {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil
	}
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				return nil
			}
			defer r.Close()
			out, _ := io.ReadAll(r)
			return out
		}
	}
	return nil
}
