package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"syscall"
	"time"
)

// ErrTransient marks an error worth retrying (a source that is briefly unreachable).
// Wrap with Transient(err) or fmt.Errorf("...: %w", jobs.ErrTransient).
var ErrTransient = errors.New("transient error")

type transientError struct{ err error }

func (e transientError) Error() string   { return e.err.Error() }
func (e transientError) Unwrap() []error { return []error{e.err, ErrTransient} }

// Transient marks err as transient, so the scheduler retries the job.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return transientError{err}
}

// IsTransient reports whether a failed job is worth retrying: errors marked with
// ErrTransient, network timeouts, refused or reset connections, and errors that say
// so themselves (pgconn's SafeToRetry, a Temporary() method). Cancellation is not
// transient: a cancelled job stays cancelled.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, ErrTransient) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED,
		syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EPIPE} {
		if errors.Is(err, errno) {
			return true
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && (dnsErr.IsTemporary || dnsErr.IsTimeout) {
		return true
	}
	// pgx (pgconn) marks errors that happened before anything was sent as safe to retry.
	var safe interface{ SafeToRetry() bool }
	if errors.As(err, &safe) && safe.SafeToRetry() {
		return true
	}
	var temp interface{ Temporary() bool }
	if errors.As(err, &temp) && temp.Temporary() {
		return true
	}
	return false
}

// PanicError is a recovered panic from a job body.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// retryPolicy says how often and how long to wait between attempts.
type retryPolicy struct {
	Retries int           // extra attempts after the first (jobs.retries)
	Backoff time.Duration // wait before the first retry; doubles each time (jobs.backoff)
	// Stop, when it returns true, ends retrying (the scheduler is shutting down).
	Stop func() bool
}

// delay is the wait before retry n (1-based): backoff × 2^(n-1).
func (p retryPolicy) delay(n int) time.Duration {
	d := p.Backoff
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return d
}

// callSafely runs body, turning a panic into a *PanicError.
func callSafely(ctx context.Context, body Func, r *Run) (out Outcome, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return body(ctx, r)
}

// attempt runs body with retries for transient errors. It returns the outcome of the
// last attempt, its error, and the errors of the failed attempts before it.
func attempt(ctx context.Context, body Func, r *Run, p retryPolicy) (Outcome, error, []string) {
	var retryErrs []string
	for n := 0; ; n++ {
		r.Attempt = n + 1
		out, err := callSafely(ctx, body, r)
		var pe *PanicError
		if err == nil || errors.As(err, &pe) || ctx.Err() != nil || !IsTransient(err) || n >= p.Retries {
			return out, err, retryErrs
		}
		if p.Stop != nil && p.Stop() {
			return out, fmt.Errorf("%w (not retried: shutting down)", err), retryErrs
		}
		retryErrs = append(retryErrs, err.Error())
		wait := p.delay(n + 1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out, fmt.Errorf("%w (retry %d cancelled: %w)", err, n+1, ctx.Err()), retryErrs
		case <-t.C:
		}
	}
}

// statusOf classifies a finished run.
func statusOf(ctx context.Context, err error) string {
	var pe *PanicError
	switch {
	case err == nil:
		return StatusOK
	case errors.As(err, &pe):
		return StatusPanic
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return StatusCancelled
	default:
		return StatusFailed
	}
}
