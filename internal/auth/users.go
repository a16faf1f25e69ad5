// Package auth guards the report server: a users file (argon2id password hashes and
// the audiences each user may read), sign-in sessions, a per-user and per-address
// limit on failed sign-ins, and an access log. It knows nothing of the database or
// the report; the server tells it which audience a path belongs to.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/crypto/argon2"
)

// AllAudiences in a user's audience list lets the user read every audience's site.
const AllAudiences = "*"

// User is one entry of the users file. Hash is an argon2id PHC string; the password
// itself is never stored or logged.
type User struct {
	Name      string   `json:"user"`
	Hash      string   `json:"hash"`
	Audiences []string `json:"audiences"`
}

// Users is the users file's content, keyed by user name.
type Users map[string]User

var userName = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// ValidUserName reports whether name can be a user name (no spaces, quotes or
// control characters, so it is safe in logs and cookies).
func ValidUserName(name string) bool { return userName.MatchString(name) }

// LoadUsers reads the users file. A missing file is an empty set of users, so that
// `xinfang user add` can create it.
func LoadUsers(path string) (Users, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Users{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	var list []User
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	us := Users{}
	for i, u := range list {
		if !ValidUserName(u.Name) {
			return nil, fmt.Errorf("users file %s: entry %d: bad user name %q", path, i+1, u.Name)
		}
		if _, err := decodeHash(u.Hash); err != nil {
			return nil, fmt.Errorf("users file %s: user %s: %w", path, u.Name, err)
		}
		if _, dup := us[u.Name]; dup {
			return nil, fmt.Errorf("users file %s: user %s listed twice", path, u.Name)
		}
		us[u.Name] = u
	}
	return us, nil
}

// Save writes the users file atomically with mode 0600 (it holds password hashes).
func (us Users) Save(path string) error {
	list := make([]User, 0, len(us))
	for _, u := range us {
		list = append(list, u)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("users file %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".users-*")
	if err != nil {
		return fmt.Errorf("users file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("users file %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("users file %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("users file %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("users file %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("users file %s: %w", path, err)
	}
	return nil
}

// MayRead reports whether the user may read the given audience's site ("" = the
// single site of a deployment without audiences, which every user may read).
func (u User) MayRead(audience string) bool {
	if audience == "" {
		return true
	}
	for _, a := range u.Audiences {
		if a == AllAudiences || a == audience {
			return true
		}
	}
	return false
}

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane) — a
// sign-in costs a few tens of milliseconds, and failed ones are rate-limited.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

type argonHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// HashPassword returns an argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$key).
func HashPassword(password string) (string, error) {
	if len(password) < 10 {
		return "", errors.New("password too short: at least 10 characters")
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

func decodeHash(s string) (*argonHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return nil, errors.New("password hash is not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return nil, fmt.Errorf("password hash: unsupported argon2 version %q", parts[2])
	}
	h := &argonHash{}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return nil, fmt.Errorf("password hash: bad parameters %q", parts[3])
	}
	if h.memory == 0 || h.memory > 1<<21 || h.time == 0 || h.time > 16 || h.threads == 0 {
		return nil, fmt.Errorf("password hash: parameters out of range %q", parts[3])
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return nil, errors.New("password hash: bad salt")
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return nil, errors.New("password hash: bad key")
	}
	return h, nil
}

// CheckPassword reports whether password matches the PHC hash (in constant time).
func CheckPassword(hash, password string) bool {
	h, err := decodeHash(hash)
	if err != nil {
		return false
	}
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1
}
