package alerts

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xinfang/xinfang/internal/config"
)

// Result says what one delivery run did, per sink name.
type Result struct {
	Alerts    int            // alerts in mart.alerts
	Queued    int            // (alert, sink) pairs newly recorded
	Delivered map[string]int // delivered in this run
	Failed    map[string]int // tried and failed in this run (retried next run)
	Pending   map[string]int // still undelivered after this run
}

// Deliver is what the nightly job calls after the marts are built: it records every
// current alert for every configured sink (once; a pair already recorded is left as it is),
// then delivers every undelivered pair, oldest first. A sink that fails is recorded (tries,
// failures, last error) and retried on the next run; only database errors are returned.
//
// Once semantics: the outbox is checked for the alert's id before appending, so a crash
// between the fsync and the database update does not append it twice; an HTTP sink gets the
// id in the body and in an Idempotency-Key header, so that after such a crash (2xx received,
// not yet recorded) the receiver can drop the one repeat it may see.
func Deliver(ctx context.Context, db *sql.DB, cfg *config.Config) (*Result, error) {
	res := &Result{Delivered: map[string]int{}, Failed: map[string]int{}, Pending: map[string]int{}}
	list, err := List(ctx, db)
	if err != nil {
		return nil, err
	}
	res.Alerts = len(list)
	sinks := cfg.Alerts.Sinks
	if len(sinks) == 0 {
		return res, nil
	}
	if res.Queued, err = enqueue(ctx, db, list, sinks); err != nil {
		return nil, err
	}
	for _, s := range sinks {
		name := s.SinkName()
		pend, err := pending(ctx, db, name)
		if err != nil {
			return nil, err
		}
		var ok, bad int
		switch s.Kind {
		case "outbox":
			ok, bad, err = deliverOutbox(ctx, db, s, pend)
		case "http":
			ok, bad, err = deliverHTTP(ctx, db, s, pend)
		default:
			err = fmt.Errorf("alerts: sink %s: unknown kind %q", name, s.Kind)
		}
		if err != nil {
			return nil, err
		}
		res.Delivered[name], res.Failed[name], res.Pending[name] = ok, bad, len(pend)-ok
		if bad > 0 {
			slog.Warn("alert delivery failed; retried on the next run", "sink", name, "failed", bad, "delivered", ok)
		} else if ok > 0 {
			slog.Info("alerts delivered", "sink", name, "delivered", ok)
		}
	}
	return res, nil
}

type pendingRow struct {
	week, unit, kind, cat string
	id, payload           string
}

func enqueue(ctx context.Context, db *sql.DB, list []Alert, sinks []config.AlertSink) (int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("alerts: queue: %w", err)
	}
	defer tx.Rollback()
	n := 0
	for _, a := range list {
		payload, err := json.Marshal(a)
		if err != nil {
			return 0, fmt.Errorf("alerts: encode %s: %w", a.ID, err)
		}
		for _, s := range sinks {
			r, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO alert_deliveries
				(sink, week_start, unit_id, kind, cat_key, alert_id, level, payload, status, queued_at)
				VALUES (?, ?::DATE, ?, ?, ?, ?, ?, ?, 'pending', current_localtimestamp())`,
				s.SinkName(), a.WeekStart, a.UnitID, a.Kind, a.catKey(), a.ID, a.Level, string(payload))
			if err != nil {
				return 0, fmt.Errorf("alerts: queue %s for %s: %w", a.ID, s.SinkName(), err)
			}
			if k, err := r.RowsAffected(); err == nil {
				n += int(k)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("alerts: queue: commit: %w", err)
	}
	return n, nil
}

func pending(ctx context.Context, db *sql.DB, sink string) ([]pendingRow, error) {
	rows, err := db.QueryContext(ctx, `SELECT CAST(week_start AS VARCHAR), unit_id, kind, cat_key, alert_id, payload
		FROM alert_deliveries WHERE sink = ? AND status <> 'delivered'
		ORDER BY week_start, unit_id, kind, cat_key`, sink)
	if err != nil {
		return nil, fmt.Errorf("alerts: pending for %s: %w", sink, err)
	}
	defer rows.Close()
	var out []pendingRow
	for rows.Next() {
		var p pendingRow
		if err := rows.Scan(&p.week, &p.unit, &p.kind, &p.cat, &p.id, &p.payload); err != nil {
			return nil, fmt.Errorf("alerts: pending for %s: %w", sink, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// record marks one (alert, sink) pair after tries attempts: delivered, or failed with msg.
func record(ctx context.Context, db *sql.DB, sink string, p pendingRow, tries int, failErr error) error {
	var err error
	if failErr == nil {
		_, err = db.ExecContext(ctx, `UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + ?,
			last_try_at = current_localtimestamp(), delivered_at = current_localtimestamp(), last_error = NULL
			WHERE sink = ? AND week_start = ?::DATE AND unit_id = ? AND kind = ? AND cat_key = ?`,
			tries, sink, p.week, p.unit, p.kind, p.cat)
	} else {
		_, err = db.ExecContext(ctx, `UPDATE alert_deliveries SET attempts = attempts + ?, failures = failures + 1,
			last_try_at = current_localtimestamp(), last_error = ?
			WHERE sink = ? AND week_start = ?::DATE AND unit_id = ? AND kind = ? AND cat_key = ?`,
			tries, failErr.Error(), sink, p.week, p.unit, p.kind, p.cat)
	}
	if err != nil {
		return fmt.Errorf("alerts: record delivery of %s to %s: %w", p.id, sink, err)
	}
	return nil
}

// deliverOutbox appends the pending alerts not yet in the file as JSON lines, fsyncs, then
// marks them all delivered in one transaction.
func deliverOutbox(ctx context.Context, db *sql.DB, s config.AlertSink, pend []pendingRow) (int, int, error) {
	if len(pend) == 0 {
		return 0, 0, nil
	}
	name := s.SinkName()
	if werr := appendOutbox(s.Path, pend); werr != nil {
		for _, p := range pend {
			if err := record(ctx, db, name, p, 1, werr); err != nil {
				return 0, 0, err
			}
		}
		return 0, len(pend), nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("alerts: record outbox delivery: %w", err)
	}
	defer tx.Rollback()
	for _, p := range pend {
		if _, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1,
			last_try_at = current_localtimestamp(), delivered_at = current_localtimestamp(), last_error = NULL
			WHERE sink = ? AND week_start = ?::DATE AND unit_id = ? AND kind = ? AND cat_key = ?`,
			name, p.week, p.unit, p.kind, p.cat); err != nil {
			return 0, 0, fmt.Errorf("alerts: record outbox delivery of %s: %w", p.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("alerts: record outbox delivery: commit: %w", err)
	}
	return len(pend), 0, nil
}

// appendOutbox writes the alerts whose id is not already in the file. A torn last line (a
// crash mid-write) is ended with a newline first, so it never merges with the next line;
// its alert, not having been recorded, is written again in full.
func appendOutbox(path string, pend []pendingRow) error {
	have, lastByte, err := outboxIDs(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if lastByte != 0 && lastByte != '\n' {
		buf.WriteByte('\n')
	}
	for _, p := range pend {
		if !have[p.id] {
			buf.WriteString(p.payload)
			buf.WriteByte('\n')
		}
	}
	if buf.Len() == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("outbox %s: %w", path, err)
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", path, err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("outbox %s: write: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("outbox %s: fsync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("outbox %s: close: %w", path, err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		// a new file's directory entry must survive a crash too
		if d, err := os.Open(filepath.Dir(path)); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return nil
}

// outboxIDs reads the ids already in the outbox and its last byte (0 when empty or absent).
func outboxIDs(path string) (map[string]bool, byte, error) {
	have := map[string]bool{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return have, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("outbox %s: %w", path, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var last byte
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			last = line[len(line)-1]
			var x struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(line, &x) == nil && x.ID != "" {
				have[x.ID] = true
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("outbox %s: read: %w", path, err)
		}
	}
	return have, last, nil
}

// deliverHTTP POSTs each pending alert (retries with doubling backoff within the run). After
// one alert has failed every try, the rest wait for the next run rather than each waiting
// out the same dead sink.
func deliverHTTP(ctx context.Context, db *sql.DB, s config.AlertSink, pend []pendingRow) (int, int, error) {
	timeout, backoff, retries := s.Timeout, s.Backoff, s.Retries
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	if backoff == 0 {
		backoff = time.Second
	}
	client := &http.Client{Timeout: timeout}
	name := s.SinkName()
	ok := 0
	for _, p := range pend {
		tries, err := post(ctx, client, s, p, retries, backoff)
		if rerr := record(ctx, db, name, p, tries, err); rerr != nil {
			return ok, 0, rerr
		}
		if err != nil {
			if ctx.Err() != nil {
				return ok, 1, ctx.Err()
			}
			return ok, 1, nil
		}
		ok++
	}
	return ok, 0, nil
}

func post(ctx context.Context, client *http.Client, s config.AlertSink, p pendingRow, retries int, backoff time.Duration) (int, error) {
	var last error
	wait := backoff
	for try := 0; try <= retries; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return try, fmt.Errorf("%w (after: %v)", ctx.Err(), last)
			case <-time.After(wait):
			}
			wait *= 2
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, strings.NewReader(p.payload))
		if err != nil {
			return try + 1, fmt.Errorf("POST %s: %w", s.URL, err)
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("Idempotency-Key", p.id)
		req.Header.Set("User-Agent", "xinfang-alerts")
		for k, v := range s.Headers {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err
			continue
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return try + 1, nil
		}
		last = fmt.Errorf("POST %s: %s", s.URL, resp.Status)
	}
	return retries + 1, last
}
