package pipeline

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/xinfang/xinfang/internal/config"
)

// pgDSN returns the test server's DSN (scripts/pg-test-server.sh prints one). Unset:
// the test skips, except in CI (CI=true), where a missing server is a failure.
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("XINFANG_TEST_PG_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("XINFANG_TEST_PG_DSN is not set in CI: start a server with scripts/pg-test-server.sh")
		}
		t.Skip("XINFANG_TEST_PG_DSN not set: start a server with `export XINFANG_TEST_PG_DSN=$(scripts/pg-test-server.sh)`")
	}
	return dsn
}

// Pull 100,000 rows, change 1,000 and add 1,000 upstream, pull again: DuckDB holds
// exactly the upstream state (compared row by row, with the zone conversion and
// the enum mapping done by PostgreSQL itself on the expected side).
func TestPostgresIncrementalPull(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", dsn, err)
	}
	defer pg.Close(ctx)
	table := fmt.Sprintf("xinfang_test_%d", time.Now().UnixNano())
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := pg.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE ` + table + ` (petition_id text PRIMARY KEY, received_at timestamp NOT NULL, unit_id text NOT NULL,
		petitioner_id text, channel text, headcount int, closed_at timestamptz, listed_supervision boolean,
		updated_at timestamptz NOT NULL, private_note text)`)
	defer pg.Exec(context.Background(), `DROP TABLE IF EXISTS `+table)
	exec(`INSERT INTO ` + table + ` SELECT 'P' || i, timestamp '2024-01-01' + i * interval '1 minute', 'U' || (i % 20),
		'1101011990' || lpad((i % 5000)::text, 8, '0'), (ARRAY['来信','来访','网上'])[1 + i % 3], 1 + i % 4,
		CASE WHEN i % 2 = 0 THEN timestamptz '2024-06-01 00:00:00+00' + i * interval '1 second' END, i % 7 = 0,
		timestamptz '2024-07-01 00:00:00+00' + (i / 3) * interval '1 second', 'do not load'
		FROM generate_series(1, 100000) i`)

	e := newEnv(t)
	src := config.Source{Name: "pg", Kind: "postgres", DSN: dsn, Table: table, WatermarkColumn: "updated_at", BatchSize: 30000, Incremental: true}
	res := e.mustIngest(src)
	if res.Inserted != 100000 || res.Rejected != 0 || len(res.Batches) < 4 {
		t.Fatalf("first pull: inserted %d, rejected %d, %d batches; want 100000 in 4 batches of 30000", res.Inserted, res.Rejected, len(res.Batches))
	}
	compareWithUpstream(t, e, pg, table)

	// Change 1,000 rows (later updated_at) and add 1,000.
	exec(`UPDATE ` + table + ` SET unit_id = 'CHANGED', headcount = 9, closed_at = timestamptz '2024-08-01 12:00:00+08',
		updated_at = timestamptz '2024-09-01 00:00:00+00' + (substr(petition_id, 2)::int) * interval '1 millisecond'
		WHERE substr(petition_id, 2)::int % 100 = 0`)
	exec(`INSERT INTO ` + table + ` SELECT 'N' || i, timestamp '2024-09-01' + i * interval '1 minute', 'U' || (i % 20),
		NULL, '来电', NULL, NULL, NULL, timestamptz '2024-09-02 00:00:00+00' + i * interval '1 second', 'x'
		FROM generate_series(1, 1000) i`)
	res = e.mustIngest(src)
	if res.Inserted != 1000 || res.Updated != 1000 || res.Unchanged > 3 {
		t.Fatalf("second pull: %+v; want 1000 inserted, 1000 updated, only the rows at the stored watermark re-read", res)
	}
	compareWithUpstream(t, e, pg, table)
	var wm string
	pg.QueryRow(ctx, `SELECT max(updated_at)::text FROM `+table).Scan(&wm)
	if got := e.rows(`SELECT watermark FROM sources WHERE source = 'pg'`); got[0]["watermark"] != wm {
		t.Fatalf("stored watermark %s, upstream max %s", got[0]["watermark"], wm)
	}
	// Nothing new upstream: a third pull changes nothing.
	res = e.mustIngest(src)
	if res.Inserted != 0 || res.Updated != 0 {
		t.Fatalf("third pull: %+v", res)
	}
	if n := e.count(`SELECT count(*) FROM petitions WHERE source = 'pg' AND (petitioner_id LIKE '1101011990%')`); n != 0 {
		t.Fatalf("%d raw petitioner ids stored", n)
	}
}

func compareWithUpstream(t *testing.T, e *testEnv, pg *pgx.Conn, table string) {
	t.Helper()
	ctx := context.Background()
	rows, err := pg.Query(ctx, `SELECT petition_id, to_char(received_at, 'YYYY-MM-DD HH24:MI:SS'), unit_id, coalesce(petitioner_id, ''),
		CASE channel WHEN '来信' THEN 'letter' WHEN '来访' THEN 'visit' WHEN '网上' THEN 'online' WHEN '来电' THEN 'phone' END,
		coalesce(headcount::text, ''),
		coalesce(to_char(closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), ''),
		coalesce(listed_supervision::text, ''),
		to_char(updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS.US')
		FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var v [9]string
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]); err != nil {
			t.Fatal(err)
		}
		if v[3] != "" {
			v[3] = pseudo(v[3])
		}
		want = append(want, strings.Join(v[:], "|"))
	}
	rows.Close()
	got := []string{}
	for _, r := range e.rows(`SELECT petition_id, strftime(received_at, '%Y-%m-%d %H:%M:%S') AS r, unit_id, coalesce(petitioner_id, '') AS p,
		channel, coalesce(CAST(headcount AS VARCHAR), '') AS h, coalesce(strftime(closed_at, '%Y-%m-%d %H:%M:%S'), '') AS c,
		coalesce(CAST(listed_supervision AS VARCHAR), '') AS l, strftime(updated_at, '%Y-%m-%d %H:%M:%S.%f') AS u
		FROM petitions WHERE source = 'pg'`) {
		got = append(got, strings.Join([]string{r["petition_id"], r["r"], r["unit_id"], r["p"], r["channel"], r["h"], r["c"], r["l"], r["u"]}, "|"))
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(got) != len(want) {
		t.Fatalf("DuckDB holds %d rows, upstream %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d differs:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
}
