package config

import (
	"fmt"
	"regexp"
	"time"
)

// Serve configures `xinfang schedule --serve`.
type Serve struct {
	// TLSCert and TLSKey (PEM files) switch the server to HTTPS; both or neither.
	TLSCert string `yaml:"tls_cert" json:"tls_cert"`
	TLSKey  string `yaml:"tls_key" json:"tls_key"`
	// Metrics says who may read /metrics: loopback (default: only from 127.0.0.0/8
	// and ::1) or public (anyone who can reach the port, as /healthz).
	Metrics string `yaml:"metrics" json:"metrics"`
}

// Auth configures sign-in for the report server.
type Auth struct {
	// UsersFile holds the users (argon2id hashes and audiences), managed by
	// `xinfang user add|remove|list`. Empty = no authentication, which is allowed
	// only when the server binds a loopback address.
	UsersFile string `yaml:"users_file" json:"users_file"`
	// AccessLog gets one JSON line per sign-in, sign-out and refused request.
	AccessLog string `yaml:"access_log" json:"access_log"`
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration `yaml:"session_ttl" json:"session_ttl"`
}

// Audience is one group of readers with a report site of its own, holding only
// its units' subtrees (reports_dir/<id>/).
type Audience struct {
	ID    string   `yaml:"id" json:"id"`
	Title string   `yaml:"title" json:"title"`
	Units []string `yaml:"units" json:"units"` // unit ids (each with its descendants) or "*"
}

var audienceID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// siteFolders are the report site's own folders: an audience's site is
// reports_dir/<id>/, inside the whole system's, so its id cannot be one of them.
var siteFolders = map[string]bool{"archive": true, "assets": true, "unit": true}

// validateServe checks serve, auth and audiences.
func (c *Config) validateServe() Errors {
	var errs Errors
	if (c.Serve.TLSCert == "") != (c.Serve.TLSKey == "") {
		errs = append(errs, c.errAt("serve.tls_cert", "give both tls_cert and tls_key, or neither"))
	}
	if c.Serve.Metrics != "loopback" && c.Serve.Metrics != "public" {
		errs = append(errs, c.errAt("serve.metrics", "want loopback or public, got %q", c.Serve.Metrics))
	}
	if c.Auth.SessionTTL < time.Minute || c.Auth.SessionTTL > 30*24*time.Hour {
		errs = append(errs, c.errAt("auth.session_ttl", "want between 1m and 720h, got %s", c.Auth.SessionTTL))
	}
	seen := map[string]bool{}
	for i, a := range c.Audiences {
		k := fmt.Sprintf("audiences[%d]", i)
		if !audienceID.MatchString(a.ID) {
			errs = append(errs, c.errAt(k+".id", "want 1–64 letters, digits, _ or -, got %q", a.ID))
		} else if seen[a.ID] {
			errs = append(errs, c.errAt(k+".id", "duplicate audience id %q", a.ID))
		} else if siteFolders[a.ID] {
			errs = append(errs, c.errAt(k+".id", "%q is a folder of the report site itself (reports_dir/%s/): choose another id", a.ID, a.ID))
		}
		seen[a.ID] = true
		if len(a.Units) == 0 {
			errs = append(errs, c.errAt(k+".units", "list at least one unit id, or \"*\""))
		}
	}
	return errs
}
