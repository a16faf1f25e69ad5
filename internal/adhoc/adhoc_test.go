package adhoc

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// A real DuckDB file with one small table, opened read-only as `xinfang sql` does.
func openRO(t *testing.T) *sql.DB {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.duckdb")
	w, err := sql.Open("duckdb", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`CREATE TABLE t (id INTEGER, name VARCHAR, d DATE, ts TIMESTAMP);
		INSERT INTO t VALUES (1, 'a,b', DATE '2024-01-05', TIMESTAMP '2024-01-05 10:11:12'), (2, NULL, NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	db, err := sql.Open("duckdb", p+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestTableAndCSV(t *testing.T) {
	db := openRO(t)
	var b bytes.Buffer
	n, err := Run(context.Background(), db, "SELECT * FROM t ORDER BY id;", "table", &b)
	if err != nil || n != 2 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	want := "id  name  d           ts\n--  ----  -           --\n1   a,b   2024-01-05  2024-01-05 10:11:12\n2   NULL  NULL        NULL\n(2 rows)\n"
	if b.String() != want {
		t.Fatalf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if _, err := Run(context.Background(), db, "SELECT * FROM t ORDER BY id", "csv", &b); err != nil {
		t.Fatal(err)
	}
	if want := "id,name,d,ts\n1,\"a,b\",2024-01-05,2024-01-05 10:11:12\n2,,,\n"; b.String() != want {
		t.Fatalf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}

// The query can neither write the database nor touch files.
func TestReadOnly(t *testing.T) {
	db := openRO(t)
	out := filepath.Join(t.TempDir(), "leak.csv")
	for _, q := range []string{
		"DELETE FROM t",
		"CREATE TABLE u (x INTEGER)",
		"COPY t TO '" + out + "'",
		"SELECT * FROM read_csv('/etc/passwd')",
		"SET enable_external_access = true",
	} {
		if _, err := Run(context.Background(), db, q, "table", &bytes.Buffer{}); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("COPY TO wrote a file")
	}
	var b bytes.Buffer
	if _, err := Run(context.Background(), db, "SELECT count(*) AS n FROM t", "table", &b); err != nil || !strings.Contains(b.String(), "2") {
		t.Fatalf("table intact: %q %v", b.String(), err)
	}
}
