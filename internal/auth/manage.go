package auth

import (
	"fmt"
	"sort"
	"strings"
)

// AddUser adds or replaces a user in the users file (mode 0600). known lists the
// configured audience ids; every audience given must be one of them or "*".
func AddUser(usersFile, name, password string, audiences, known []string) error {
	if !ValidUserName(name) {
		return fmt.Errorf("user name %q: use 1–64 letters, digits, . _ @ or -", name)
	}
	if len(audiences) == 0 {
		return fmt.Errorf("user %s: give at least one audience (--audience ID, or \"*\" for everything)", name)
	}
	for _, a := range audiences {
		if a == AllAudiences {
			continue
		}
		found := false
		for _, k := range known {
			found = found || k == a
		}
		if !found {
			return fmt.Errorf("user %s: audience %q is not configured (audiences: %s)", name, a, strings.Join(append([]string{"*"}, known...), ", "))
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	us, err := LoadUsers(usersFile)
	if err != nil {
		return err
	}
	us[name] = User{Name: name, Hash: hash, Audiences: audiences}
	return us.Save(usersFile)
}

// RemoveUser removes a user; their sessions end on their next request.
func RemoveUser(usersFile, name string) error {
	us, err := LoadUsers(usersFile)
	if err != nil {
		return err
	}
	if _, ok := us[name]; !ok {
		return fmt.Errorf("no user %q in %s", name, usersFile)
	}
	delete(us, name)
	return us.Save(usersFile)
}

// ListUsers returns the users sorted by name (hashes included; callers print only
// names and audiences).
func ListUsers(usersFile string) ([]User, error) {
	us, err := LoadUsers(usersFile)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(us))
	for _, u := range us {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
