package pipeline

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/xinfang/xinfang/internal/config"
	"github.com/xinfang/xinfang/internal/store"
)

// PseudonymKeyEnv names the environment variable holding the pseudonym key itself.
const PseudonymKeyEnv = "XINFANG_PSEUDONYM_KEY"

// MinPseudonymKeyLen is the shortest key accepted, in bytes: a short key makes the
// pseudonyms of ID-card numbers (a small, structured space) easier to brute-force.
const MinPseudonymKeyLen = 32

// metaKeyFingerprint is the meta row holding the fingerprint of the key the stored
// pseudonyms were made with.
const metaKeyFingerprint = "pseudonym_key_fingerprint"

// PseudonymKey returns the HMAC key for db and checks it against the key the
// database's pseudonyms were made with (its fingerprint is in meta): a database
// that holds pseudonyms is never run with another key, and a missing key file is
// created only while the database holds none, so a deleted key file is an error
// rather than a silent second set of pseudonyms for the same people.
func PseudonymKey(ctx context.Context, db *sql.DB, cfg *config.Config) ([]byte, error) {
	want, err := store.GetMeta(ctx, db, metaKeyFingerprint)
	if err != nil {
		return nil, err
	}
	var held int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM petitions`).Scan(&held); err != nil {
		return nil, fmt.Errorf("count stored records: %w", err)
	}
	guarded := want != "" && held > 0
	key, created, err := loadPseudonymKey(cfg, !guarded)
	if err != nil {
		if guarded && errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("pseudonym key file %s is missing, but the database holds %d records pseudonymised with key %s: "+
				"restore the key file from your backup (or set %s to the key); a new key would give the same people new pseudonyms",
				cfg.Pseudonym.KeyFile, held, want, PseudonymKeyEnv)
		}
		return nil, err
	}
	fp := keyFingerprint(key)
	switch {
	case guarded && fp != want:
		src := "key file " + cfg.Pseudonym.KeyFile
		if os.Getenv(PseudonymKeyEnv) != "" {
			src = PseudonymKeyEnv
		}
		return nil, fmt.Errorf("pseudonym key from %s (fingerprint %s) is not the key the database's %d records were pseudonymised with (fingerprint %s): "+
			"restore the original key file from your backup or set %s to the original key", src, fp, held, want, PseudonymKeyEnv)
	case fp != want:
		// First use, or no record holds a pseudonym yet: this key becomes the database's.
		if err := store.SetMeta(ctx, db, metaKeyFingerprint, fp); err != nil {
			return nil, err
		}
	}
	if created {
		slog.Info("created pseudonym key file (keep it secret and backed up: pseudonyms depend on it)", "file", cfg.Pseudonym.KeyFile, "fingerprint", fp)
	}
	return key, nil
}

// loadPseudonymKey returns the HMAC key: XINFANG_PSEUDONYM_KEY when set, else the
// contents of the configured key file, which is created (32 random bytes, hex, mode
// 0600) when missing and create is true (else the error wraps fs.ErrNotExist).
// The key is never logged.
func loadPseudonymKey(cfg *config.Config, create bool) (key []byte, created bool, err error) {
	if v := os.Getenv(PseudonymKeyEnv); v != "" {
		if len(v) < MinPseudonymKeyLen {
			return nil, false, fmt.Errorf("%s is %d bytes; a pseudonym key needs at least %d (e.g. openssl rand -hex 32)", PseudonymKeyEnv, len(v), MinPseudonymKeyLen)
		}
		return []byte(v), false, nil
	}
	path := cfg.Pseudonym.KeyFile
	if path == "" {
		return nil, false, errors.New("no pseudonym key: set " + PseudonymKeyEnv + " or pseudonym.key_file")
	}
	b, err := os.ReadFile(path)
	if err == nil {
		key := strings.TrimSpace(string(b))
		if key == "" {
			return nil, false, fmt.Errorf("pseudonym key file %s is empty", path)
		}
		if len(key) < MinPseudonymKeyLen {
			return nil, false, fmt.Errorf("pseudonym key file %s holds %d bytes; a pseudonym key needs at least %d (e.g. openssl rand -hex 32)", path, len(key), MinPseudonymKeyLen)
		}
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			slog.Warn("pseudonym key file is readable by others; chmod 600 it", "file", path, "mode", st.Mode().Perm().String())
		}
		return []byte(key), false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, false, fmt.Errorf("read pseudonym key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, false, fmt.Errorf("create folder for pseudonym key file %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, false, fmt.Errorf("generate pseudonym key: %w", err)
	}
	k := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) { // another process created it meanwhile
			return loadPseudonymKey(cfg, false)
		}
		return nil, false, fmt.Errorf("create pseudonym key file: %w", err)
	}
	if _, err := f.WriteString(k + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("write pseudonym key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("write pseudonym key file: %w", err)
	}
	return []byte(k), true, nil
}

// pseudonymizer computes HMAC-SHA-256 pseudonyms (lower-case hex). Not safe for
// concurrent use: each worker has its own. There is no cache: with SHA-NI one HMAC
// of a short value costs less than a map lookup in a cache of millions of people,
// and most petitioners occur once per file.
type pseudonymizer struct {
	mac hash.Hash
	sum []byte
	hex []byte
	buf []byte
}

func newPseudonymizer(key []byte) *pseudonymizer {
	return &pseudonymizer{mac: hmac.New(sha256.New, key), sum: make([]byte, 0, 32), hex: make([]byte, 64)}
}

// pseudonymHex writes the pseudonym of v into p.hex and returns it (valid until
// the next call).
func (p *pseudonymizer) pseudonymHex(v string) []byte {
	p.mac.Reset()
	p.buf = append(p.buf[:0], v...)
	p.mac.Write(p.buf)
	p.sum = p.mac.Sum(p.sum[:0])
	hex.Encode(p.hex, p.sum)
	return p.hex
}

func (p *pseudonymizer) pseudonym(v string) string { return string(p.pseudonymHex(v)) }

// keyFingerprint identifies a key without revealing it (part of the skip-by-hash
// key: a new key must re-ingest everything).
func keyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("xinfang key fingerprint"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}
