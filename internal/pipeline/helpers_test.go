package pipeline

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

const testKey = "test-pseudonym-key-0123456789abcdef" // at least MinPseudonymKeyLen bytes

// testEnv is a fresh database in a temp folder with a config whose global zone is
// Asia/Shanghai and whose pseudonym key comes from the environment.
type testEnv struct {
	t   *testing.T
	dir string
	cfg *config.Config
	db  *store.DB
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	t.Setenv(PseudonymKeyEnv, testKey)
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources = nil
	e := &testEnv{t: t, dir: dir, cfg: cfg}
	e.open()
	t.Cleanup(func() {
		if e.db != nil {
			e.db.Close()
		}
	})
	return e
}

func (e *testEnv) open() {
	e.t.Helper()
	db, err := store.Open(context.Background(), e.cfg.Database, store.Options{TimeZone: e.cfg.TimeZone, Purpose: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
}

func (e *testEnv) close() {
	e.t.Helper()
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.db = nil
}

// write puts a file into the env folder and returns its path.
func (e *testEnv) write(name string, data []byte) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// ingest runs Ingest over exactly these sources.
func (e *testEnv) ingest(srcs ...config.Source) (*IngestResult, error) {
	e.t.Helper()
	e.cfg.Sources = srcs
	return Ingest(context.Background(), e.db, e.cfg, IngestOptions{NoProgress: true})
}

func (e *testEnv) mustIngest(srcs ...config.Source) *IngestResult {
	e.t.Helper()
	res, err := e.ingest(srcs...)
	if err != nil {
		e.t.Fatalf("ingest: %v", err)
	}
	return res
}

// row returns one petition with every column as text ("NULL" for NULL).
func (e *testEnv) row(source, id string) map[string]string {
	e.t.Helper()
	rows := e.rows(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM petitions WHERE source = ? AND petition_id = ?`, source, id)
	if len(rows) != 1 {
		e.t.Fatalf("petition %s/%s: %d rows", source, id, len(rows))
	}
	return rows[0]
}

// rows runs a query and returns its rows as column -> text ("NULL" for NULL).
func (e *testEnv) rows(q string, args ...any) []map[string]string {
	e.t.Helper()
	return queryMaps(e.t, e.db.DB, q, args...)
}

func queryMaps(t *testing.T, db *sql.DB, q string, args ...any) []map[string]string {
	t.Helper()
	rs, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []map[string]string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, c := range cols {
			if vals[i].Valid {
				m[c] = vals[i].String
			} else {
				m[c] = "NULL"
			}
		}
		out = append(out, m)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *testEnv) count(q string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// expect compares selected fields of a row.
func expect(t *testing.T, what string, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], v)
		}
	}
}

// realDataDir is ../shared/data/real relative to the repository root; tests that
// need it skip when it is absent, except under CI=true, where a missing folder would
// hide a regression and fails the test.
func realDataDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "real")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data folder %s not found under CI=true: %v", dir, err)
		}
		t.Skipf("real data folder %s not found (it lives beside the repository at ../shared/data/real): %v", dir, err)
	}
	return dir
}

func pseudo(v string) string { return newPseudonymizer([]byte(testKey)).pseudonym(v) }
