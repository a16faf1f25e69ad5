package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// WriterLock is an advisory lock file beside the database (<db>.lock) held with
// flock for the life of a writing process. The file names the holder, so a
// refused second writer can say who has it.
type WriterLock struct {
	f *os.File
}

// LockHolder is what a lock file records about the process that holds it.
type LockHolder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Purpose string    `json:"purpose"`
	Since   time.Time `json:"since"`
}

// ErrLocked is returned (wrapped) when another process holds the writer lock.
var ErrLocked = errors.New("database is locked by another writer")

// AcquireWriterLock takes the writer lock for the database at dbPath without waiting.
func AcquireWriterLock(dbPath, purpose string) (*WriterLock, error) {
	path := dbPath + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := ReadLockHolder(dbPath)
		f.Close()
		if holder != nil {
			return nil, fmt.Errorf("%w: %s is held by pid %d on %s (%s) since %s; stop it or wait for it to finish",
				ErrLocked, dbPath, holder.PID, holder.Host, holder.Purpose, holder.Since.Format(time.RFC3339))
		}
		return nil, fmt.Errorf("%w: %s (lock file %s)", ErrLocked, dbPath, path)
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(LockHolder{PID: os.Getpid(), Host: host, Purpose: purpose, Since: time.Now()})
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(b, '\n'), 0)
	}
	return &WriterLock{f: f}, nil
}

// ReadLockHolder reads the holder recorded in the lock file, or nil.
func ReadLockHolder(dbPath string) *LockHolder {
	b, err := os.ReadFile(dbPath + ".lock")
	if err != nil || len(b) == 0 {
		return nil
	}
	var h LockHolder
	if json.Unmarshal(b, &h) != nil {
		return nil
	}
	return &h
}

// Release drops the lock. Safe on nil.
func (l *WriterLock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}
