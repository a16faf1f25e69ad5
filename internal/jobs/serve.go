package jobs

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/xinfang/xinfang/internal/auth"
	"github.com/xinfang/xinfang/internal/config"
)

// ErrUnauthenticatedBind refuses to serve the report to the network without sign-in.
var ErrUnauthenticatedBind = errors.New("refusing to serve the report on a non-loopback address without authentication")

// IsLoopbackAddr reports whether a listen address binds only the loopback interface
// (":8080" and "0.0.0.0:8080" bind every interface, so they are not).
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckServeAddr refuses a non-loopback --serve address when no users file is set:
// the report holds case-level records of every unit.
func CheckServeAddr(cfg *config.Config, addr string) error {
	if cfg.Auth.UsersFile == "" && !IsLoopbackAddr(addr) {
		return fmt.Errorf("%w (%s): set auth.users_file and add users with `xinfang user add`, or bind 127.0.0.1", ErrUnauthenticatedBind, addr)
	}
	return nil
}

// AccessLogPath is where sign-ins and refused requests are logged: auth.access_log,
// else access.log beside the database.
func AccessLogPath(cfg *config.Config) string {
	if cfg.Auth.AccessLog != "" {
		return cfg.Auth.AccessLog
	}
	return filepath.Join(filepath.Dir(cfg.Database), "access.log")
}

// ServeHandler is the whole report server: the read-only report files (behind
// sign-in when auth.users_file is set, each user limited to their audiences),
// /healthz (always open) and /metrics (loopback only unless serve.metrics: public).
// The returned closer closes the access log.
func ServeHandler(cfg *config.Config, base http.Handler) (http.Handler, io.Closer, error) {
	var files http.Handler = base
	var closer io.Closer = io.NopCloser(nil)
	if cfg.Auth.UsersFile != "" {
		lp := AccessLogPath(cfg)
		if err := os.MkdirAll(filepath.Dir(lp), 0o700); err != nil {
			return nil, nil, fmt.Errorf("access log: %w", err)
		}
		lf, err := os.OpenFile(lp, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("access log: %w", err)
		}
		closer = lf
		g, err := auth.New(auth.Options{
			UsersFile:  cfg.Auth.UsersFile,
			AccessLog:  lf,
			Secure:     cfg.Serve.TLSCert != "",
			SessionTTL: cfg.Auth.SessionTTL,
			AudienceOf: audienceOf(cfg),
			Language:   cfg.Language,
		})
		if err != nil {
			lf.Close()
			return nil, nil, err
		}
		files = g.Wrap(base)
	}
	metricsPublic := cfg.Serve.Metrics == "public"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			base.ServeHTTP(w, r)
		case "/metrics":
			if !metricsPublic && !fromLoopback(r) {
				http.Error(w, "forbidden: /metrics is served to loopback only (serve.metrics: public opens it)", http.StatusForbidden)
				return
			}
			base.ServeHTTP(w, r)
		default:
			files.ServeHTTP(w, r)
		}
	}), closer, nil
}

// audienceOf maps a URL path to the audience whose site holds it: reports_dir/<id>/
// for a configured audience. With audiences configured, everything else (the whole
// system's site) is for users allowed every audience ("*").
func audienceOf(cfg *config.Config) func(string) string {
	if len(cfg.Audiences) == 0 {
		return func(string) string { return "" }
	}
	ids := map[string]bool{}
	for _, a := range cfg.Audiences {
		ids[a.ID] = true
	}
	return func(p string) string {
		seg := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 2)[0]
		if ids[seg] {
			return seg
		}
		return auth.AllAudiences
	}
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
