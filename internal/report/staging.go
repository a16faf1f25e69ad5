package report

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"github.com/xinfang/xinfang/internal/store"
)

// A report builds the site in a staging folder ".<reports>.new-*" beside the
// published one and swaps it in. A report killed before the swap (kill -9, OOM,
// power) leaves that folder behind; the next report removes it. A folder in use
// is told from a stale one by an advisory lock (flock) its builder holds on it
// — and on the published folder it swaps out — for as long as the build runs:
// the kernel drops the lock when the process dies, however it dies.

// lockDir takes an exclusive, non-blocking flock on dir; release unlocks it.
func lockDir(dir string) (release func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// removeStaleStaging deletes staging folders of the site at parent/base whose
// builder is gone (their lock is free). Folders still locked are left alone.
func removeStaleStaging(parent, base string) {
	matches, _ := filepath.Glob(filepath.Join(parent, "."+base+".new-*"))
	for _, dir := range matches {
		st, err := os.Lstat(dir)
		if err != nil || !st.IsDir() {
			continue
		}
		release, err := lockDir(dir)
		if err != nil {
			continue // a live report is building it (or it cannot be opened)
		}
		err = os.RemoveAll(dir)
		release()
		if err != nil {
			slog.Warn("could not remove a stale report staging folder", "dir", dir, "err", err)
			continue
		}
		slog.Info("removed a report staging folder left by an interrupted report", "dir", dir)
	}
}

// ApplySiteModes gives the built site the modes the process's original umask
// asks for (folders 0755, files 0644, less the umask): the site is meant to be
// served, unlike the database, whose 0600 comes from a tightened process umask
// (store.SiteUmask).
func ApplySiteModes(dir string) error {
	um := fs.FileMode(store.SiteUmask())
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return nil
		case d.IsDir():
			return os.Chmod(p, 0o755&^um)
		default:
			if err := os.Chmod(p, 0o644&^um); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		}
	})
}

// MkSiteDir creates a site folder (and parents) with the site's mode.
func MkSiteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.Chmod(dir, 0o755&^fs.FileMode(store.SiteUmask()))
}
