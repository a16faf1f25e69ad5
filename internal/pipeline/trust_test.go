package pipeline

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/queries"
)

// useKeyFile makes the env's key come from its key file (not the environment).
func useKeyFile(t *testing.T) {
	t.Setenv(PseudonymKeyEnv, "")
	os.Unsetenv(PseudonymKeyEnv)
}

// Issue 10 item 3: a deleted key file is not silently replaced while the database
// holds pseudonyms, another key is refused, and the error says how to restore it.
func TestPseudonymKeyGuardedByFingerprint(t *testing.T) {
	e := newEnv(t)
	useKeyFile(t)
	p := e.write("a.csv", []byte("petition_id,received_at,unit_id,petitioner_id\nA1,2024-01-01,U,110101199003077777\n"))
	e.mustIngest(canonicalCSV("s", p))
	keyFile := e.cfg.Pseudonym.KeyFile
	orig, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatalf("first ingest created no key file: %v", err)
	}
	if st, _ := os.Stat(keyFile); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	fp := e.rows(`SELECT value FROM meta WHERE key = 'pseudonym_key_fingerprint'`)
	if len(fp) != 1 || fp[0]["value"] != keyFingerprint([]byte(strings.TrimSpace(string(orig)))) {
		t.Fatalf("meta fingerprint = %v", fp)
	}
	petitioner := e.row("s", "A1")["petitioner_id"]

	// Deleted key file: refused, and not recreated.
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	_, err = e.ingest(canonicalCSV("s", p))
	if err == nil || !strings.Contains(err.Error(), "restore the key file") || !strings.Contains(err.Error(), PseudonymKeyEnv) {
		t.Fatalf("ingest with the key file deleted: err = %v; want a refusal saying how to restore the key", err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatalf("the deleted key file was recreated (%v)", err)
	}

	// Another key (file or environment): refused.
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("b", 64)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err = e.ingest(canonicalCSV("s", p)); err == nil || !strings.Contains(err.Error(), "not the key") {
		t.Fatalf("ingest with another key file: err = %v", err)
	}
	t.Setenv(PseudonymKeyEnv, strings.Repeat("c", 40))
	if _, err = e.ingest(canonicalCSV("s", p)); err == nil || !strings.Contains(err.Error(), PseudonymKeyEnv) {
		t.Fatalf("ingest with another env key: err = %v", err)
	}
	useKeyFile(t)

	// The restored key works and the pseudonym is the same as before.
	if err := os.WriteFile(keyFile, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustIngest(canonicalCSV("s", p))
	if got := e.row("s", "A1")["petitioner_id"]; got != petitioner {
		t.Fatalf("pseudonym changed after restoring the key: %s -> %s", petitioner, got)
	}
}

// A key shorter than 32 bytes is refused, from the file or the environment.
func TestShortPseudonymKeyRefused(t *testing.T) {
	e := newEnv(t)
	p := e.write("a.csv", []byte("petition_id,received_at,unit_id\nA1,2024-01-01,U\n"))
	t.Setenv(PseudonymKeyEnv, "test-pseudonym-key")
	if _, err := e.ingest(canonicalCSV("s", p)); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Fatalf("short env key: err = %v", err)
	}
	useKeyFile(t)
	if err := os.WriteFile(e.cfg.Pseudonym.KeyFile, []byte("short-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ingest(canonicalCSV("s", p)); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Fatalf("short key file: err = %v", err)
	}
	if n := e.count(`SELECT count(*) FROM petitions`); n != 0 {
		t.Fatalf("%d records stored with a short key", n)
	}
}

// Issue 10 item 4: a 1 MB category value is stored truncated to MaxValueLen
// characters with a field warning, so the marts that repeat categories across
// their grid stay small. The figures are sizes, not times: 12 records over 12
// months, the database stays far below the 6.67 GB the untruncated value made.
func TestHugeDisplayValueTruncated(t *testing.T) {
	e := newEnv(t)
	huge := strings.Repeat("类", 1<<20/3)
	var b strings.Builder
	b.WriteString("petition_id,received_at,unit_id,category,leader_owner\n")
	for m := 1; m <= 12; m++ {
		cat := "监狱管理"
		if m == 6 {
			cat = huge
		}
		b.WriteString("P" + string(rune('A'+m)) + ",2024-" + twoDigits(m) + "-05," + "U1," + cat + ",张\n")
	}
	p := e.write("huge.csv", []byte(b.String()))
	res := e.mustIngest(canonicalCSV("s", p))
	if res.Warnings != 1 {
		t.Fatalf("warnings = %d, want 1 (the long category)", res.Warnings)
	}
	w := e.rows(`SELECT field, reason, length(value) AS n FROM rejected WHERE severity = 'warning'`)
	if len(w) != 1 || w[0]["field"] != "category" || !strings.Contains(w[0]["reason"], "truncated") || w[0]["n"] != "201" {
		t.Fatalf("warning = %v; want category truncated, value quoted as 200 characters and …", w)
	}
	if got := e.row("s", "PG")["category"]; got != strings.Repeat("类", MaxValueLen) {
		t.Fatalf("stored category has %d characters, want %d", len([]rune(got)), MaxValueLen)
	}
	asOf := time.Date(2024, 12, 31, 0, 0, 0, 0, e.cfg.Location())
	if _, err := queries.Build(context.Background(), e.db.DB, e.cfg, asOf); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT max(length(category)) FROM mart.volume_by_category`); n > MaxValueLen {
		t.Fatalf("mart category length %d", n)
	}
	e.close()
	st, err := os.Stat(e.cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 64<<20 {
		t.Fatalf("database is %d bytes after one long category", st.Size())
	}
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// Issue 10 item 6: one invalid byte in a UTF-8 file leaves the file UTF-8 (the
// Chinese values intact) and is a field warning; a NUL byte is removed with a
// warning; a file that reads as neither encoding is refused, naming encoding:.
func TestBadBytesAreWarnings(t *testing.T) {
	e := newEnv(t)
	csv := "petition_id,received_at,unit_id,category,leader_owner\n" +
		"P1,2024-01-05,U1,律师执业,张\n" +
		"P2,2024-01-06,U1,律师\xff执业,张\n" +
		"P3,2024-01-07,U1,公证\x00处,张\n"
	p := e.write("bad.csv", []byte(csv))
	res := e.mustIngest(canonicalCSV("s", p))
	if res.Inserted != 3 || res.Warnings != 2 {
		t.Fatalf("inserted %d, warnings %d; want 3 and 2", res.Inserted, res.Warnings)
	}
	if got := e.row("s", "P1")["category"]; got != "律师执业" {
		t.Fatalf("P1 category %q: the file was not read as UTF-8", got)
	}
	if got := e.row("s", "P2")["category"]; got != "律师\uFFFD执业" {
		t.Fatalf("P2 category %q", got)
	}
	if got := e.row("s", "P3")["category"]; got != "公证处" {
		t.Fatalf("P3 category %q", got)
	}
	w := e.rows(`SELECT petition_id, field, reason FROM rejected WHERE severity = 'warning' ORDER BY petition_id`)
	if len(w) != 2 || !strings.Contains(w[0]["reason"], "undecodable") || !strings.Contains(w[1]["reason"], "NUL") {
		t.Fatalf("warnings = %v", w)
	}

	// 律师执业 in UTF-8, then the same in GBK (C2C9 CAA6 D6B4 D2B5).
	mixed := append([]byte("petition_id,received_at,unit_id,category\nP9,2024-01-05,U1,律师执业\n"), []byte("P10,2024-01-05,U1,\xc2\xc9\xca\xa6\xd6\xb4\xd2\xb5\n")...)
	q := e.write("mixed.csv", mixed)
	_, err := e.ingest(canonicalCSV("m", q))
	if err == nil || !strings.Contains(err.Error(), "encoding:") {
		t.Fatalf("mixed UTF-8/GBK file: err = %v; want a refusal asking for encoding:", err)
	}
	if n := e.count(`SELECT count(*) FROM petitions WHERE source = 'm'`); n != 0 {
		t.Fatalf("%d records stored from an undecidable file", n)
	}
}
