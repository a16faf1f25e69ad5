package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/xinfang/xinfang/internal/store"
)

// UnrecordedRun is the outcome of a run that the database could not take (a full
// disk fails the job and then the UPDATE of its job_runs row). It is kept in the
// status file, shown by `xinfang status`, and written into job_runs by the next
// writer (MarkInterrupted) instead of the generic "interrupted".
type UnrecordedRun struct {
	RunID       int64     `json:"run_id"`
	Job         string    `json:"job"`
	Status      string    `json:"status"`
	Finished    time.Time `json:"finished_at"`
	Error       string    `json:"error,omitempty"`
	RecordError string    `json:"record_error"` // why job_runs could not be updated
}

// endOrKeep records the end of rec; if the database refuses twice (the retry is on a
// fresh connection, after the failed job's transaction has rolled back and freed its
// space), the outcome goes into the status file instead.
func endOrKeep(ctx context.Context, rec *Record, finished time.Time, status string, out Outcome, runErr error) error {
	err := rec.End(ctx, finished, status, out, runErr)
	if err == nil {
		return nil
	}
	if err = rec.End(ctx, finished, status, out, runErr); err == nil {
		return nil
	}
	u := UnrecordedRun{RunID: rec.ID, Job: rec.Job, Status: status, Finished: finished.In(dbLocation(rec.db)), RecordError: err.Error()}
	if runErr != nil {
		u.Error = runErr.Error()
	}
	if kerr := keepUnrecorded(rec.db.Path, u); kerr != nil {
		slog.Error("could not keep the unrecorded outcome in the status file either", "run_id", rec.ID, "err", kerr)
		return fmt.Errorf("%w; and %w", err, kerr)
	}
	slog.Error("job outcome kept in the status file: the database could not record it", "run_id", rec.ID,
		"status", status, "file", StatusFile(rec.db.Path), "err", err)
	return err
}

// keepUnrecorded adds u to the status file. On a full disk the atomic rewrite (a new
// temporary file) fails, so the existing file — written when the writer opened the
// database — is then overwritten in place, which reuses its blocks.
func keepUnrecorded(dbPath string, u UnrecordedRun) error {
	if dbPath == "" || dbPath == ":memory:" {
		return fmt.Errorf("no status file for an in-memory database")
	}
	st, err := ReadStatusFile(dbPath)
	if err != nil {
		st = &Status{Database: dbPath}
	}
	st.Unrecorded = append(st.Unrecorded, u)
	st.GeneratedAt = time.Now().In(u.Finished.Location())
	if err := writeStatus(StatusFile(dbPath), st); err == nil {
		return nil
	}
	// Compact JSON: the smallest rewrite.
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	f, err := os.OpenFile(StatusFile(dbPath), os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("rewrite status file in place: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("rewrite status file in place: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("rewrite status file in place: %w", err)
	}
	return nil
}

// unrecordedStill returns the status file's unrecorded outcomes whose job_runs row
// is still "running" (the others have been recorded since).
func unrecordedStill(ctx context.Context, db *store.DB) ([]UnrecordedRun, error) {
	if db.Path == "" || db.Path == ":memory:" {
		return nil, nil
	}
	st, err := ReadStatusFile(db.Path)
	if err != nil || len(st.Unrecorded) == 0 {
		return nil, nil // no file yet, or one this code cannot read: nothing to apply
	}
	var out []UnrecordedRun
	for _, u := range st.Unrecorded {
		var status string
		err := db.QueryRowContext(ctx, `SELECT status FROM job_runs WHERE run_id = ?`, u.RunID).Scan(&status)
		if err == nil && status == StatusRunning {
			out = append(out, u)
		}
	}
	return out, nil
}

// applyUnrecorded writes the kept outcomes into job_runs (writer lock held).
func applyUnrecorded(ctx context.Context, db *store.DB) (int64, error) {
	us, err := unrecordedStill(ctx, db)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, u := range us {
		msg := u.Error
		if msg != "" {
			msg += "; "
		}
		msg += "outcome recorded late, from the status file: the database could not take it (" + u.RecordError + ")"
		res, err := db.ExecContext(ctx, `UPDATE job_runs SET status = ?, finished_at = ?, error = ? WHERE run_id = ? AND status = 'running'`,
			u.Status, u.Finished, msg, u.RunID)
		if err != nil {
			return n, fmt.Errorf("record kept outcome of run %d: %w", u.RunID, err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

// overlayUnrecorded shows kept outcomes in a status built from the database.
func overlayUnrecorded(st *Status, us []UnrecordedRun) {
	st.Unrecorded = us
	for _, u := range us {
		for i := range st.Jobs {
			j := &st.Jobs[i]
			if j.Last == nil || j.Last.RunID != u.RunID || j.Last.Status != StatusRunning {
				continue
			}
			r := *j.Last
			f := u.Finished
			r.Status, r.Finished = u.Status, &f
			r.Error = u.Error
			if r.Error != "" {
				r.Error += "; "
			}
			r.Error += "recorded only in the status file, the database could not take it: " + u.RecordError
			j.Last = &r
			if j.Runs[StatusRunning] > 0 {
				j.Runs[StatusRunning]--
				if j.Runs[StatusRunning] == 0 {
					delete(j.Runs, StatusRunning)
				}
			}
			j.Runs[u.Status]++
		}
	}
}
