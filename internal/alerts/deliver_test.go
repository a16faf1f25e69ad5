package alerts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/alerts"
	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/queries"
	"github.com/xinfang/xinfang/internal/store"
)

// setup builds real marts in a DuckDB file with two alerts in the week Mon 2025-06-02 ..
// Sun 06-08 (as of 06-10): U1 has 2 collective visits (collective, red) and U2 has 6
// petitions against a 0 baseline (m 0, σ 1: 6 > 5 → total, red). The data's first week is
// that of Z's record of 2025-03-03, so U2 has 8 baseline weeks.
// The source does not map category, so there are no category alerts.
func setup(t *testing.T) (*store.DB, *config.Config) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "a.duckdb"), store.Options{TimeZone: "Asia/Shanghai", Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO sources (source, kind, mapped_fields) VALUES ('s', 'test', ['channel', 'headcount', 'closed_at'])`)
	for _, u := range []string{"Z", "U1", "U2"} {
		exec(`INSERT INTO units VALUES (?, ?, NULL, 'city', 'bureau', NULL)`, u, u+" 局")
	}
	add := func(id, unit, day, channel string, headcount int) {
		exec(`INSERT INTO petitions (source, petition_id, received_at, received_date, unit_id, channel, headcount)
			VALUES ('s', ?, ?::TIMESTAMP, ?::DATE, ?, NULLIF(?, ''), ?)`, id, day, day, unit, channel, headcount)
	}
	add("z", "Z", "2025-03-03", "", 1)
	add("c1", "U1", "2025-06-03", "visit", 5)
	add("c2", "U1", "2025-06-04", "visit", 7)
	for _, id := range []string{"t1", "t2", "t3", "t4", "t5", "t6"} {
		add(id, "U2", "2025-06-05", "", 1)
	}
	cfg := config.Default()
	build(t, db, cfg, "2025-06-10")
	return db, cfg
}

func build(t *testing.T, db *store.DB, cfg *config.Config, asOf string) {
	t.Helper()
	d, _ := time.Parse("2006-01-02", asOf)
	if _, err := queries.Build(context.Background(), db.DB, cfg, d); err != nil {
		t.Fatal(err)
	}
}

// sink is a real HTTP server on 127.0.0.1 that fails with 503 while down is set.
type sink struct {
	mu     sync.Mutex
	down   bool
	tries  int
	bodies []map[string]any
	keys   []string
	srv    *httptest.Server
}

func newSink(t *testing.T) *sink {
	s := &sink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.tries++
		if s.down {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s.bodies = append(s.bodies, m)
		s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func outboxLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestDeliverOnceToEachSink(t *testing.T) {
	db, cfg := setup(t)
	ctx := context.Background()
	list, err := alerts.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].UnitID != "U1" || list[0].Kind != "collective" || list[1].UnitID != "U2" || list[1].Kind != "total" || list[1].Count != 6 {
		t.Fatalf("alerts: %+v", list)
	}
	if list[0].ID != "2025-06-02/U1/collective" {
		t.Fatalf("id %q", list[0].ID)
	}
	hs := newSink(t)
	out := filepath.Join(t.TempDir(), "out", "alerts.jsonl")
	cfg.Alerts.Sinks = []config.AlertSink{
		{Name: "box", Kind: "outbox", Path: out},
		{Name: "intranet", Kind: "http", URL: hs.srv.URL + "/hook", Retries: 1, Backoff: time.Millisecond},
	}
	res, err := alerts.Deliver(ctx, db.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Queued != 4 || res.Delivered["box"] != 2 || res.Delivered["intranet"] != 2 || res.Pending["intranet"] != 0 {
		t.Fatalf("result %+v", res)
	}
	lines := outboxLines(t, out)
	if len(lines) != 2 || !strings.Contains(lines[0], `"id":"2025-06-02/U1/collective"`) || !strings.Contains(lines[1], `"level":"red"`) {
		t.Fatalf("outbox: %q", lines)
	}
	if len(hs.bodies) != 2 || hs.bodies[1]["unit_id"] != "U2" || hs.keys[0] != "2025-06-02/U1/collective" {
		t.Fatalf("http got %v %v", hs.bodies, hs.keys)
	}
	// Again, and after a rebuild: nothing new anywhere.
	build(t, db, cfg, "2025-06-10")
	res, err = alerts.Deliver(ctx, db.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Queued != 0 || res.Delivered["box"] != 0 || res.Delivered["intranet"] != 0 {
		t.Fatalf("second run %+v", res)
	}
	if n := len(outboxLines(t, out)); n != 2 || len(hs.bodies) != 2 || hs.tries != 2 {
		t.Fatalf("duplicates: outbox %d, http %d bodies / %d tries", n, len(hs.bodies), hs.tries)
	}
	cur, err := alerts.Current(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 2 || cur[0].Deliveries["box"] != "delivered" || cur[1].Deliveries["intranet"] != "delivered" {
		t.Fatalf("current %+v", cur)
	}
	var tb, jb bytes.Buffer
	if err := alerts.WriteList(&tb, cur, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "2025-06-02 .. 2025-06-08") || !strings.Contains(tb.String(), "U2 局") {
		t.Errorf("table:\n%s", tb.String())
	}
	if err := alerts.WriteList(&jb, cur, true); err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(jb.Bytes(), &back); err != nil || len(back) != 2 || back[1]["count"] != float64(6) {
		t.Errorf("json %v: %s", err, jb.String())
	}
	m, err := alerts.ReadMetrics(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := alerts.WritePrometheus(&b, m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`xinfang_alerts_open{level="red"} 2`, `xinfang_alerts_open{level="amber"} 0`,
		`xinfang_alert_delivery_failures_total{sink="intranet"} 0`, `xinfang_alert_deliveries_pending{sink="box"} 0`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, b.String())
		}
	}
}

// The HTTP sink is down for one run (every try gets 503), then recovers; an unreachable
// sink (nothing listening) is recorded the same way. Nothing is lost, nothing doubled.
func TestDeliverFailsThenRecovers(t *testing.T) {
	db, cfg := setup(t)
	ctx := context.Background()
	hs := newSink(t)
	hs.down = true
	// a port that was just free: connection refused
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String() + "/x"
	l.Close()
	cfg.Alerts.Sinks = []config.AlertSink{
		{Name: "intranet", Kind: "http", URL: hs.srv.URL, Retries: 2, Backoff: time.Millisecond},
		{Name: "dead", Kind: "http", URL: dead, Retries: 0, Timeout: 2 * time.Second},
	}
	res, err := alerts.Deliver(ctx, db.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The first alert fails 1 + 2 tries; the second waits for the next run.
	if res.Delivered["intranet"] != 0 || res.Failed["intranet"] != 1 || res.Pending["intranet"] != 2 || hs.tries != 3 {
		t.Fatalf("down: %+v, tries %d", res, hs.tries)
	}
	if res.Failed["dead"] != 1 || res.Pending["dead"] != 2 {
		t.Fatalf("dead: %+v", res)
	}
	var attempts, failures int
	var lastErr string
	if err := db.QueryRowContext(ctx, `SELECT attempts, failures, last_error FROM alert_deliveries
		WHERE sink = 'intranet' AND unit_id = 'U1'`).Scan(&attempts, &failures, &lastErr); err != nil {
		t.Fatal(err)
	}
	if attempts != 3 || failures != 1 || !strings.Contains(lastErr, "503") {
		t.Fatalf("recorded %d tries, %d failures, %q", attempts, failures, lastErr)
	}
	// The week moves on (as of a later date, mart.alerts no longer lists these two); the
	// queued deliveries are still made once the sink is back.
	build(t, db, cfg, "2025-06-20")
	if l, _ := alerts.List(ctx, db.DB); len(l) != 0 {
		t.Fatalf("later week alerts %+v", l)
	}
	hs.down = false
	res, err = alerts.Deliver(ctx, db.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered["intranet"] != 2 || res.Pending["intranet"] != 0 || len(hs.bodies) != 2 {
		t.Fatalf("recovered: %+v, bodies %d", res, len(hs.bodies))
	}
	res, err = alerts.Deliver(ctx, db.DB, cfg)
	if err != nil || res.Delivered["intranet"] != 0 || len(hs.bodies) != 2 {
		t.Fatalf("third run: %+v %v, bodies %d", res, err, len(hs.bodies))
	}
	m, err := alerts.ReadMetrics(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if m.Failures["intranet"] != 1 || m.Failures["dead"] != 3 || m.Pending["dead"] != 2 || m.Open["red"] != 0 {
		t.Fatalf("metrics %+v", m)
	}
}

// A crash after the outbox fsync but before the database update leaves the alert in the
// file and pending in the table: the next run finds its id and does not append it again. A
// torn last line (a crash mid-write) is closed off and the alert written in full.
func TestOutboxAfterCrash(t *testing.T) {
	db, cfg := setup(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "alerts.jsonl")
	list, err := alerts.List(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := json.Marshal(list[0])
	torn, _ := json.Marshal(list[1])
	if err := os.WriteFile(out, append(append(first, '\n'), torn[:20]...), 0o640); err != nil {
		t.Fatal(err)
	}
	cfg.Alerts.Sinks = []config.AlertSink{{Kind: "outbox", Path: out}}
	res, err := alerts.Deliver(ctx, db.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered["outbox:"+out] != 2 {
		t.Fatalf("result %+v", res)
	}
	lines := outboxLines(t, out)
	if len(lines) != 3 || lines[0] != string(first) || lines[1] != string(torn[:20]) || lines[2] != string(torn) {
		t.Fatalf("outbox lines %q", lines)
	}
}
