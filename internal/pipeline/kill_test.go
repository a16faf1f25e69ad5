package pipeline

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// A process killed with SIGKILL in the middle of a batch — every row inserted into
// petitions, rejects and the batch record written, the commit not yet done — leaves
// the database exactly as it was before the batch.
func TestKilledMidBatch(t *testing.T) {
	if dir := os.Getenv("XINFANG_KILL_HELPER"); dir != "" {
		killHelper(dir)
		return
	}
	e := newEnv(t)
	p := e.write("a.csv", []byte("petition_id,received_at,unit_id\nA1,2024-01-01,U\nA2,2024-01-02,U\n"))
	e.mustIngest(canonicalCSV("s", p))
	before := e.rows(`SELECT * FROM petitions ORDER BY petition_id`)
	batchesBefore := e.rows(`SELECT batch_id, status FROM ingest_batches ORDER BY batch_id`)
	e.close()

	var big strings.Builder
	big.WriteString("petition_id,received_at,unit_id\nA1,2024-03-01,CHANGED\n,2024-01-01,U\n")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&big, "K%d,2024-02-01 10:00:00,U\n", i)
	}
	e.write("big.csv", []byte(big.String()))
	marker := filepath.Join(e.dir, "in-batch")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledMidBatch$", "-test.count=1")
	cmd.Env = append(os.Environ(), "XINFANG_KILL_HELPER="+e.dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper never reached the end of its batch")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup of any kind
		t.Fatal(err)
	}
	cmd.Wait()

	e.open()
	after := e.rows(`SELECT * FROM petitions ORDER BY petition_id`)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("killed batch changed petitions: %d rows before, %d after", len(before), len(after))
	}
	if got := e.rows(`SELECT batch_id, status FROM ingest_batches ORDER BY batch_id`); fmt.Sprint(got) != fmt.Sprint(batchesBefore) {
		t.Fatalf("killed batch left batch records: %v", got)
	}
	if n := e.count(`SELECT count(*) FROM rejected`); n != 0 {
		t.Fatalf("killed batch left %d rejected rows", n)
	}
	// The next run loads the file normally.
	res := e.mustIngest(canonicalCSV("s", filepath.Join(e.dir, "big.csv")))
	if b := res.Batches[0]; b.Inserted != 200000 || b.Updated != 1 || b.Rejected != 1 {
		t.Fatalf("after the kill: %+v", b)
	}
}

// killHelper runs in the child process: it ingests big.csv and, with the whole
// batch written but not committed, signals the parent and waits to be killed.
func killHelper(dir string) {
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "x.duckdb")
	cfg.Pseudonym.KeyFile = filepath.Join(dir, "pseudonym.key")
	cfg.Sources = []config.Source{canonicalCSV("s", filepath.Join(dir, "big.csv"))}
	os.Setenv(PseudonymKeyEnv, testKey)
	db, err := store.Open(context.Background(), cfg.Database, store.Options{TimeZone: cfg.TimeZone, Purpose: "kill helper"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kill helper:", err)
		os.Exit(3)
	}
	failAfterStage = func(string) error {
		os.WriteFile(filepath.Join(dir, "in-batch"), nil, 0o644)
		time.Sleep(10 * time.Minute)
		return nil
	}
	Ingest(context.Background(), db, cfg, IngestOptions{NoProgress: true})
	os.Exit(4)
}
