package auth

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// CookieName is the session cookie's name.
const CookieName = "xinfang_session"

// Options configure a Gate.
type Options struct {
	// UsersFile is re-read when it changes, so `xinfang user add|remove` takes
	// effect without a restart (a removed user's sessions stop working at once).
	UsersFile string
	// AccessLog receives one JSON line per sign-in, sign-out and refused request.
	AccessLog io.Writer
	// Secure marks the cookie Secure (set it when serving TLS).
	Secure bool
	// SessionTTL is how long a session lasts after sign-in (default 8h).
	SessionTTL time.Duration
	// AudienceOf names the audience whose site holds a URL path ("" = not an
	// audience's site: any signed-in user may read it).
	AudienceOf func(path string) string
	// MaxFailures is how many failed sign-ins per user and per address a minute
	// are answered; later attempts in that minute are refused unread (default 9).
	MaxFailures int
	// Language of the sign-in page: zh or en.
	Language string
}

// Gate is an http middleware that requires a signed-in user allowed to read the
// requested audience. Its zero value is not usable; build it with New.
type Gate struct {
	opt Options

	mu       sync.Mutex
	users    Users
	usersMod time.Time
	sessions map[string]session
	failures map[string][]time.Time // "u:<name>" and "a:<addr>" -> failure times
	logMu    sync.Mutex
}

type session struct {
	user    string
	expires time.Time
}

// New builds a Gate and reads the users file once, so a broken file fails at start.
func New(opt Options) (*Gate, error) {
	if opt.UsersFile == "" {
		return nil, errors.New("auth: a users file is required")
	}
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 8 * time.Hour
	}
	if opt.MaxFailures <= 0 {
		opt.MaxFailures = 9
	}
	if opt.AccessLog == nil {
		opt.AccessLog = io.Discard
	}
	if opt.AudienceOf == nil {
		opt.AudienceOf = func(string) string { return "" }
	}
	g := &Gate{opt: opt, sessions: map[string]session{}, failures: map[string][]time.Time{}}
	if _, err := g.currentUsers(); err != nil {
		return nil, err
	}
	return g, nil
}

// currentUsers returns the users, re-reading the file when its mtime changed.
func (g *Gate) currentUsers() (Users, error) {
	st, err := os.Stat(g.opt.UsersFile)
	if err != nil {
		return nil, fmt.Errorf("auth: users file: %w", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.users != nil && st.ModTime().Equal(g.usersMod) {
		return g.users, nil
	}
	us, err := LoadUsers(g.opt.UsersFile)
	if err != nil {
		return nil, err
	}
	g.users, g.usersMod = us, st.ModTime()
	return us, nil
}

type accessEntry struct {
	Time   string `json:"time"`
	User   string `json:"user"`
	Addr   string `json:"addr"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Result string `json:"result"`
	Status int    `json:"status"`
}

func (g *Gate) log(r *http.Request, user, result string, status int) {
	if len(user) > 64 {
		user = user[:64]
	}
	path := r.URL.Path
	if len(path) > 512 {
		path = path[:512]
	}
	b, _ := json.Marshal(accessEntry{Time: time.Now().Format(time.RFC3339), User: user, Addr: clientAddr(r),
		Method: r.Method, Path: path, Result: result, Status: status})
	g.logMu.Lock()
	defer g.logMu.Unlock()
	_, _ = g.opt.AccessLog.Write(append(b, '\n'))
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttled reports whether user or addr had MaxFailures failures in the last minute.
func (g *Gate) throttled(user, addr string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range []string{"u:" + user, "a:" + addr} {
		recent := g.failures[k][:0]
		for _, t := range g.failures[k] {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		if len(recent) == 0 {
			delete(g.failures, k)
		} else {
			g.failures[k] = recent
		}
		if len(recent) >= g.opt.MaxFailures {
			return true
		}
	}
	return false
}

func (g *Gate) fail(user, addr string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures["u:"+user] = append(g.failures["u:"+user], now)
	g.failures["a:"+addr] = append(g.failures["a:"+addr], now)
}

func (g *Gate) newSession(user string, now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	g.mu.Lock()
	defer g.mu.Unlock()
	for k, s := range g.sessions { // drop expired sessions as we go
		if now.After(s.expires) {
			delete(g.sessions, k)
		}
	}
	g.sessions[id] = session{user: user, expires: now.Add(g.opt.SessionTTL)}
	return id, nil
}

// sessionUser returns the signed-in user of r, or "" when the cookie is missing,
// unknown (forged), expired, or names a user no longer in the users file.
func (g *Gate) sessionUser(r *http.Request) (User, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return User{}, false
	}
	now := time.Now()
	g.mu.Lock()
	s, ok := g.sessions[c.Value]
	if ok && now.After(s.expires) {
		delete(g.sessions, c.Value)
		ok = false
	}
	g.mu.Unlock()
	if !ok {
		return User{}, false
	}
	us, err := g.currentUsers()
	if err != nil {
		return User{}, false
	}
	u, ok := us[s.user]
	return u, ok
}

func (g *Gate) setCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: g.opt.Secure, SameSite: http.SameSiteStrictMode})
}

// Wrap guards next: /login and /logout are the gate's own; every other path needs
// a session whose user may read the path's audience (401/redirect, else 403).
func (g *Gate) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			g.serveLogin(w, r)
			return
		case "/logout":
			g.serveLogout(w, r)
			return
		}
		u, ok := g.sessionUser(r)
		if !ok {
			g.log(r, "", "unauthenticated", http.StatusUnauthorized)
			if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
				http.Redirect(w, r, "/login?next="+template.URLQueryEscaper(r.URL.Path), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first: /login", http.StatusUnauthorized)
			return
		}
		if aud := g.opt.AudienceOf(r.URL.Path); !u.MayRead(aud) {
			g.log(r, u.Name, "denied", http.StatusForbidden)
			http.Error(w, "forbidden: your account may not read this audience's report", http.StatusForbidden)
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
		next.ServeHTTP(w, r)
	})
}

// safeNext keeps a post-sign-in redirect on this server (a local absolute path).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

func (g *Gate) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		g.loginPage(w, r.URL.Query().Get("next"), "", http.StatusOK)
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		name, pw, next := r.PostForm.Get("user"), r.PostForm.Get("password"), safeNext(r.PostForm.Get("next"))
		now, addr := time.Now(), clientAddr(r)
		if g.throttled(name, addr, now) {
			g.log(r, name, "sign-in throttled", http.StatusTooManyRequests)
			w.Header().Set("Retry-After", "60")
			g.loginPage(w, next, g.text("throttled"), http.StatusTooManyRequests)
			return
		}
		us, err := g.currentUsers()
		if err != nil {
			g.log(r, name, "sign-in error", http.StatusInternalServerError)
			http.Error(w, "users file unreadable", http.StatusInternalServerError)
			return
		}
		u, known := us[name]
		// Check a dummy hash for unknown users so timing does not tell which names exist.
		hash := u.Hash
		if !known {
			hash = dummyHash
		}
		if !CheckPassword(hash, pw) || !known {
			g.fail(name, addr, now)
			g.log(r, name, "sign-in failed", http.StatusUnauthorized)
			g.loginPage(w, next, g.text("failed"), http.StatusUnauthorized)
			return
		}
		id, err := g.newSession(u.Name, now)
		if err != nil {
			http.Error(w, "cannot start a session", http.StatusInternalServerError)
			return
		}
		g.setCookie(w, id, int(g.opt.SessionTTL.Seconds()))
		g.log(r, u.Name, "sign-in ok", http.StatusSeeOther)
		http.Redirect(w, r, next, http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (g *Gate) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "sign out with POST", http.StatusMethodNotAllowed)
		return
	}
	user := ""
	if c, err := r.Cookie(CookieName); err == nil {
		g.mu.Lock()
		user = g.sessions[c.Value].user
		delete(g.sessions, c.Value)
		g.mu.Unlock()
	}
	g.setCookie(w, "", -1)
	g.log(r, user, "sign-out", http.StatusSeeOther)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// dummyHash is checked for unknown user names (its password is random and unknown).
var dummyHash = func() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	h, err := HashPassword(base64.RawStdEncoding.EncodeToString(b))
	if err != nil {
		panic(err)
	}
	return h
}()

var loginTexts = map[string]map[string]string{
	"zh": {"title": "登录 — 信访工作绩效考核报告", "user": "用户名", "password": "密码", "submit": "登录",
		"failed": "用户名或密码不正确。", "throttled": "失败次数过多，请一分钟后再试。"},
	"en": {"title": "Sign in — petition-work appraisal report", "user": "User", "password": "Password", "submit": "Sign in",
		"failed": "Wrong user name or password.", "throttled": "Too many failed attempts; try again in a minute."},
}

func (g *Gate) text(k string) string {
	if t, ok := loginTexts[g.opt.Language]; ok {
		return t[k]
	}
	return loginTexts["zh"][k]
}

var loginTpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.title}}</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.45rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem;background:#1f4e8c;color:#fff;border:0;border-radius:3px}
.err{color:#a40000;margin-top:1rem}</style></head>
<body><h1>{{.T.title}}</h1>
<form method="post" action="/login"><input type="hidden" name="next" value="{{.Next}}">
<label for="user">{{.T.user}}</label><input id="user" name="user" autocomplete="username" required autofocus>
<label for="password">{{.T.password}}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{{.T.submit}}</button></form>
{{if .Msg}}<p class="err" role="alert">{{.Msg}}</p>{{end}}
</body></html>`))

func (g *Gate) loginPage(w http.ResponseWriter, next, msg string, status int) {
	lang := g.opt.Language
	if _, ok := loginTexts[lang]; !ok {
		lang = "zh"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_ = loginTpl.Execute(w, struct {
		Lang, Next, Msg string
		T               map[string]string
	}{lang, safeNext(next), msg, loginTexts[lang]})
}
