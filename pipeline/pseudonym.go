package pipeline

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/xinfang/xinfang/config"
)

// PseudonymKeyEnv names the environment variable holding the pseudonym key itself.
const PseudonymKeyEnv = "XINFANG_PSEUDONYM_KEY"

// LoadPseudonymKey returns the HMAC key: XINFANG_PSEUDONYM_KEY when set, else the
// contents of the configured key file, which is created (32 random bytes, hex, mode
// 0600) on first use. The key is never logged.
func LoadPseudonymKey(cfg *config.Config) ([]byte, error) {
	if v := os.Getenv(PseudonymKeyEnv); v != "" {
		return []byte(v), nil
	}
	path := cfg.Pseudonym.KeyFile
	if path == "" {
		return nil, errors.New("no pseudonym key: set " + PseudonymKeyEnv + " or pseudonym.key_file")
	}
	b, err := os.ReadFile(path)
	if err == nil {
		key := strings.TrimSpace(string(b))
		if key == "" {
			return nil, fmt.Errorf("pseudonym key file %s is empty", path)
		}
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			slog.Warn("pseudonym key file is readable by others; chmod 600 it", "file", path, "mode", st.Mode().Perm().String())
		}
		return []byte(key), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read pseudonym key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create folder for pseudonym key file %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("generate pseudonym key: %w", err)
	}
	key := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) { // another process created it meanwhile
			return LoadPseudonymKey(cfg)
		}
		return nil, fmt.Errorf("create pseudonym key file: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write pseudonym key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write pseudonym key file: %w", err)
	}
	slog.Info("created pseudonym key file (keep it secret and backed up: pseudonyms depend on it)", "file", path)
	return []byte(key), nil
}

// pseudonymizer computes HMAC-SHA-256 pseudonyms (lower-case hex). Not safe for
// concurrent use: each worker has its own.
type pseudonymizer struct {
	mac   hash.Hash
	sum   []byte
	hex   []byte
	cache map[string]string
}

func newPseudonymizer(key []byte) *pseudonymizer {
	return &pseudonymizer{mac: hmac.New(sha256.New, key), sum: make([]byte, 0, 32), hex: make([]byte, 64), cache: map[string]string{}}
}

const pseudonymCacheMax = 1 << 18

func (p *pseudonymizer) pseudonym(v string) string {
	if s, ok := p.cache[v]; ok {
		return s
	}
	p.mac.Reset()
	p.mac.Write([]byte(v))
	p.sum = p.mac.Sum(p.sum[:0])
	hex.Encode(p.hex, p.sum)
	s := string(p.hex)
	if len(p.cache) >= pseudonymCacheMax {
		clear(p.cache)
	}
	p.cache[v] = s
	return s
}

// keyFingerprint identifies a key without revealing it (part of the skip-by-hash
// key: a new key must re-ingest everything).
func keyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("xinfang key fingerprint"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}
