// Package store opens the project's DuckDB file, applies schema migrations and
// guards the single-writer rule. Every other package reaches the database through it.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// DB is an open DuckDB file with its writer lock (when opened for writing).
type DB struct {
	*sql.DB
	Path      string
	TimeZone  string
	connector *duckdb.Connector
	lock      *WriterLock
	readOnly  bool
}

// Options controls how the file is opened.
type Options struct {
	TimeZone string // session TimeZone, e.g. Asia/Shanghai
	ReadOnly bool   // readers skip the writer lock and migrations
	Purpose  string // recorded in the lock file so a refused writer can name the holder
	// MemoryLimit and Threads are DuckDB settings applied to every connection
	// (empty/0 = DuckDB's defaults).
	MemoryLimit string
	Threads     int
	// TempDirectory is where DuckDB spills beyond MemoryLimit (empty = "<path>.tmp").
	TempDirectory string
	// HeldLock is the writer lock of path when the caller already holds it (it prepared
	// the file under the lock); Open then adopts it instead of taking it again.
	HeldLock *WriterLock
}

// Open opens (creating if needed) the DuckDB file at path. A writing open takes the
// writer lock first, so a second writer gets a clear message naming the holder
// instead of DuckDB's lower-level conflict error.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.TimeZone == "" {
		opt.TimeZone = "Asia/Shanghai"
	}
	if path != "" && path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create database folder for %s: %w", path, err)
		}
	}
	lock := opt.HeldLock
	if lock == nil && !opt.ReadOnly && path != "" && path != ":memory:" {
		restrictUmask() // before the lock, database and WAL files exist: see mode.go
		var err error
		lock, err = AcquireWriterLock(path, opt.Purpose)
		if err != nil {
			return nil, err
		}
	}
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	if opt.ReadOnly {
		dsn += "?access_mode=READ_ONLY"
	}
	tz := opt.TimeZone
	// Every pooled connection gets the same zone, so date arithmetic in SQL
	// (current_date, casts of TIMESTAMPTZ) is in local time.
	settings := []string{"SET TimeZone = '" + strings.ReplaceAll(tz, "'", "") + "'"}
	if opt.MemoryLimit != "" {
		settings = append(settings, "SET memory_limit = '"+strings.ReplaceAll(opt.MemoryLimit, "'", "")+"'")
	}
	if opt.TempDirectory != "" {
		settings = append(settings, "SET temp_directory = '"+strings.ReplaceAll(opt.TempDirectory, "'", "''")+"'")
	}
	if opt.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", opt.Threads))
	}
	// Connections are opened lazily for as long as the DB lives, so their setup must
	// not use ctx: after SIGTERM cancels it, a job still inside its grace period
	// would be refused every new connection.
	connector, err := duckdb.NewConnector(dsn, func(execer driver.ExecerContext) error {
		for _, s := range settings {
			if _, err := execer.ExecContext(context.Background(), s, nil); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		lock.Release()
		return nil, fmt.Errorf("open duckdb %s: %w", path, describeOpenError(err))
	}
	db := &DB{DB: sql.OpenDB(connector), Path: path, TimeZone: tz, connector: connector, lock: lock, readOnly: opt.ReadOnly}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb %s: %w", path, describeOpenError(err))
	}
	if !opt.ReadOnly {
		tightenModes(path)
		if err := Migrate(ctx, db.DB); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// ReadOnly reports whether the file was opened read-only. While it is open so, DuckDB's
// shared lock on the file refuses every writer (of another process): the file does not
// change underneath.
func (d *DB) ReadOnly() bool { return d.readOnly }

// Connector exposes the underlying connector, for Arrow and Appender access.
func (d *DB) Connector() *duckdb.Connector { return d.connector }

// Close closes the database and releases the writer lock.
func (d *DB) Close() error {
	var err error
	if d.DB != nil {
		err = d.DB.Close()
	}
	if d.connector != nil {
		if cerr := d.connector.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	d.lock.Release()
	return err
}

func describeOpenError(err error) error {
	if strings.Contains(err.Error(), "Could not set lock on file") {
		return fmt.Errorf("the database is in use by another process (%w)", err)
	}
	return err
}
