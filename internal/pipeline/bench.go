package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/pipeline/synthetic"
	"github.com/xinfang/xinfang/internal/spec"
	"github.com/xinfang/xinfang/internal/store"
)

// IngestBench is the outcome of BenchIngest.
type IngestBench struct {
	Records   int
	FileBytes int64
	Ours      time.Duration // Ingest of the canonical CSV: parse, validate, pseudonymise, stage, upsert
	Native    time.Duration // DuckDB read_csv straight into the same table
	Arrow     bool          // records reached DuckDB through the Arrow interface
	// Process CPU time (user+system, all threads) of each path: steadier than wall
	// time on a busy machine.
	OursCPU, NativeCPU time.Duration
	PeakRSS            int64 // bytes, process peak resident set after both loads
	// Peak resident set of the process during each load (see ResetPeakRSS; 0 when
	// the kernel cannot reset its mark).
	OursPeakRSS, NativePeakRSS int64
	// OursDB is the database Ingest loaded (closed; petitions and units), for
	// benchmarks that go on to compute and report on it.
	OursDB string
}

// Ratio is ours ÷ native.
func (b IngestBench) Ratio() float64 { return b.Ours.Seconds() / b.Native.Seconds() }

// BenchIngest generates records synthetic canonical records into dir and loads
// them twice, each into a fresh database with the petitions table: once with
// Ingest (everything a real ingest does, pseudonymisation included) and once with
// DuckDB's own read_csv into the same table (typed columns, no validation).
func BenchIngest(ctx context.Context, cfg *config.Config, records int, dir string) (IngestBench, error) {
	loc := cfg.Location()
	petitions, units, _, err := synthetic.GenerateFiles(synthetic.Params{Records: records, Seed: 7, Years: 5, AsOf: cfg.AsOfDate(), Loc: loc}, filepath.Join(dir, "data"))
	if err != nil {
		return IngestBench{Records: records}, err
	}
	res, err := BenchIngestFile(ctx, cfg, petitions, units, dir)
	if err == nil && res.Records != records {
		err = fmt.Errorf("bench: ingest inserted %d of %d records", res.Records, records)
	}
	return res, err
}

// BenchIngestFile is BenchIngest on an existing canonical CSV (and units file,
// "" = none), e.g. one written by xinfang generate; the databases go into dir.
func BenchIngestFile(ctx context.Context, cfg *config.Config, petitions, units, dir string) (IngestBench, error) {
	res := IngestBench{Arrow: ArrowLoading}
	if st, err := os.Stat(petitions); err == nil {
		res.FileBytes = st.Size()
	}
	open := func(name string) (*store.DB, error) {
		return store.Open(ctx, filepath.Join(dir, name), store.Options{TimeZone: cfg.TimeZone, Purpose: "bench ingest", MemoryLimit: cfg.DuckDB.MemoryLimit, Threads: cfg.DuckDB.Threads})
	}

	// Native first: DuckDB's parallel CSV reader, types declared, into petitions.
	db, err := open("native.duckdb")
	if err != nil {
		return res, err
	}
	reset := ResetPeakRSS()
	t0, c0 := time.Now(), CPUTime()
	_, err = db.ExecContext(ctx, nativeLoadSQL(petitions))
	res.Native, res.NativeCPU = time.Since(t0), CPUTime()-c0
	if reset {
		res.NativePeakRSS = PeakRSS()
	}
	db.Close()
	if err != nil {
		return res, fmt.Errorf("bench: native read_csv: %w", err)
	}

	res.OursDB = filepath.Join(dir, "ours.duckdb")
	db, err = open("ours.duckdb")
	if err != nil {
		return res, err
	}
	defer db.Close()
	c := *cfg
	c.Database = res.OursDB
	c.Units = config.UnitsConfig{File: units} // the units too, so that marts can be built on it
	c.Sources = []config.Source{{Name: "bench", Kind: "csv", Path: petitions}}
	reset = ResetPeakRSS()
	t0, c0 = time.Now(), CPUTime()
	ir, err := Ingest(ctx, db, &c, IngestOptions{NoProgress: true})
	res.Ours, res.OursCPU = time.Since(t0), CPUTime()-c0
	if err != nil {
		return res, fmt.Errorf("bench: ingest: %w", err)
	}
	if reset {
		res.OursPeakRSS = PeakRSS()
	}
	// getrusage's peak is reset along with VmHWM: the run's peak is the larger load's.
	res.PeakRSS = max(ProcessPeakRSS(), res.NativePeakRSS, res.OursPeakRSS)
	res.Records = int(ir.Inserted)
	if ir.Rejected > 0 {
		return res, fmt.Errorf("bench: ingest rejected %d records (a canonical CSV should have none)", ir.Rejected)
	}
	return res, nil
}

// CPUTime is the process's user+system CPU time so far.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// nativeLoadSQL is DuckDB's own path for a canonical CSV into petitions.
func nativeLoadSQL(path string) string {
	var types, sel []string
	for i := 0; i < spec.NumFields; i++ {
		t := "VARCHAR"
		switch spec.Fields[i].Kind {
		case spec.DateTime:
			t = "TIMESTAMP"
		case spec.Date:
			t = "DATE"
		case spec.Int:
			t = "INTEGER"
		case spec.Bool:
			t = "BOOLEAN"
		}
		types = append(types, fmt.Sprintf("'%s': '%s'", spec.Fields[i].Name, t))
		sel = append(sel, spec.Fields[i].Name)
		switch i {
		case spec.ReceivedAt:
			sel = append(sel, "CAST(received_at AS DATE)")
		case spec.ClosedAt:
			sel = append(sel, "CAST(closed_at AS DATE)")
		}
	}
	cols := "source, " + strings.Join(stageColumns()[:len(stageColumns())-2], ", ")
	return "INSERT INTO petitions (" + cols + ") SELECT 'native', " + strings.Join(sel, ", ") +
		" FROM read_csv('" + strings.ReplaceAll(path, "'", "''") + "', header = true, columns = {" + strings.Join(types, ", ") + "})"
}

// ProcessPeakRSS is the process's peak resident set size in bytes (getrusage; Linux
// reports KiB): since it started, or since the last ResetPeakRSS, which resets it too.
func ProcessPeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

// ResetPeakRSS resets the kernel's peak-RSS mark of this process (Linux: 5 written
// to /proc/self/clear_refs), so that PeakRSS then reports the peak of what follows.
// false when the kernel refuses; PeakRSS then is the peak since the start.
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// PeakRSS is the process's peak resident set size in bytes since the last
// ResetPeakRSS (VmHWM), else since it started.
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return ProcessPeakRSS()
}
