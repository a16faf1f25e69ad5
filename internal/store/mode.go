package store

import (
	"log/slog"
	"os"
	"sync"
	"syscall"
)

// The database holds pseudonymised personal records, so its files are created
// 0600. DuckDB creates them itself (and recreates the WAL after every
// checkpoint) with mode 0666 minus the umask, so the only lever is the process
// umask: a process that opens the database for writing keeps group and other
// bits out of every file it creates from then on. Files meant to be shared (the
// report site) are chmodded back to the umask the process started with
// (charts.publish uses SiteUmask).
var (
	umaskOnce     sync.Once
	originalUmask = -1
)

// restrictUmask adds 077 to the process umask, once, remembering the original.
func restrictUmask() {
	umaskOnce.Do(func() {
		old := syscall.Umask(0o077)
		originalUmask = old
		syscall.Umask(old | 0o077)
	})
}

// SiteUmask is the umask the process started with (what files meant to be read by
// others, like the report site, should honour), even after restrictUmask.
func SiteUmask() int {
	if originalUmask >= 0 {
		return originalUmask
	}
	old := syscall.Umask(0o022)
	syscall.Umask(old)
	return old
}

// tightenModes takes group and other bits off a database made before files were
// created 0600 (and its WAL), with a log line so the change is not a surprise.
func tightenModes(path string) {
	for _, p := range []string{path, path + ".wal", path + ".lock"} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, st.Mode().Perm()&^0o077); err == nil {
			slog.Info("database file was readable by others; now 0600", "file", p, "was", st.Mode().Perm().String())
		}
	}
}
