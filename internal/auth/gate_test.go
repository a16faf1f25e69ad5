package auth

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an access log the test can read while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const (
	p1Password = "p1-correct-horse"
	p2Password = "p2-battery-staple"
)

// fixture: users p1 (audience P1) and boss (*), a site with /P1/ and /P2/ pages,
// a real HTTP server on 127.0.0.1.
func newGateServer(t *testing.T, tls bool, ttl time.Duration) (*httptest.Server, *syncBuffer, string) {
	t.Helper()
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	us := Users{}
	for _, u := range []struct {
		name, pw string
		aud      []string
	}{{"p1", p1Password, []string{"P1"}}, {"boss", p2Password, []string{AllAudiences}}} {
		h, err := HashPassword(u.pw)
		if err != nil {
			t.Fatal(err)
		}
		us[u.name] = User{Name: u.name, Hash: h, Audiences: u.aud}
	}
	if err := us.Save(usersFile); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(usersFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("users file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	log := &syncBuffer{}
	g, err := New(Options{UsersFile: usersFile, AccessLog: log, Secure: tls, SessionTTL: ttl,
		AudienceOf: func(p string) string {
			seg := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 2)[0]
			if seg == "P1" || seg == "P2" {
				return seg
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "page %s", r.URL.Path)
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(g.Wrap(site))
	} else {
		srv = httptest.NewServer(g.Wrap(site))
	}
	t.Cleanup(srv.Close)
	return srv, log, usersFile
}

func client(srv *httptest.Server) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func signIn(t *testing.T, c *http.Client, srv *httptest.Server, user, pw string) *http.Response {
	t.Helper()
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"user": {user}, "password": {pw}, "next": {"/P1/index.html"}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAudienceAuthorisation(t *testing.T) {
	srv, log, _ := newGateServer(t, false, time.Hour)
	c := client(srv)
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("unauthenticated GET: %d, want 401", code)
	}
	resp := signIn(t, c, srv, "p1", p1Password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/P1/index.html" {
		t.Fatalf("sign-in: %d to %q, want 303 to the next page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, body := get(t, c, srv.URL+"/P1/unit/x.html"); code != http.StatusOK || body != "page /P1/unit/x.html" {
		t.Fatalf("P1 page for p1: %d %q", code, body)
	}
	if code, _ := get(t, c, srv.URL+"/P2/index.html"); code != http.StatusForbidden {
		t.Fatalf("P2 page for p1: %d, want 403", code)
	}
	// The boss (*) reads both.
	b := client(srv)
	signIn(t, b, srv, "boss", p2Password)
	for _, p := range []string{"/P1/index.html", "/P2/index.html"} {
		if code, _ := get(t, b, srv.URL+p); code != http.StatusOK {
			t.Fatalf("%s for boss: %d", p, code)
		}
	}
	// Sign-out ends the session.
	resp, err := c.Post(srv.URL+"/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("after sign-out: %d, want 401", code)
	}
	l := log.String()
	for _, want := range []string{`"user":"p1","addr":"127.0.0.1","method":"POST","path":"/login","result":"sign-in ok"`,
		`"user":"p1","addr":"127.0.0.1","method":"GET","path":"/P2/index.html","result":"denied","status":403`,
		`"result":"sign-out"`, `"result":"unauthenticated"`} {
		if !strings.Contains(l, want) {
			t.Errorf("access log lacks %s:\n%s", want, l)
		}
	}
	for _, pw := range []string{p1Password, p2Password} {
		if strings.Contains(l, pw) {
			t.Fatal("access log contains a password")
		}
	}
}

func TestWrongPasswordAndThrottle(t *testing.T) {
	srv, log, _ := newGateServer(t, false, time.Hour)
	c := client(srv)
	for i := 1; i <= 9; i++ {
		if resp := signIn(t, c, srv, "p1", "wrong-password-"+fmt.Sprint(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, resp.StatusCode)
		}
	}
	// The tenth attempt in the minute is throttled, even with the right password.
	if resp := signIn(t, c, srv, "p1", p1Password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("tenth attempt: %d, want 429", resp.StatusCode)
	}
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("a throttled sign-in must not start a session: %d", code)
	}
	l := log.String()
	if strings.Count(l, `"result":"sign-in failed"`) != 9 || !strings.Contains(l, `"result":"sign-in throttled"`) {
		t.Fatalf("access log:\n%s", l)
	}
	if strings.Contains(l, "wrong-password") || strings.Contains(l, p1Password) {
		t.Fatal("access log contains a password")
	}
	// Another address is limited on its own counter, but the user's counter still
	// holds: the same user from a fresh client is throttled too.
	if resp := signIn(t, client(srv), srv, "p1", p1Password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("same user, new client: %d, want 429 (per-user limit)", resp.StatusCode)
	}
	// An unknown user is refused like a wrong password.
	if resp := signIn(t, client(srv), srv, "nobody", "whatever-password"); resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", resp.StatusCode)
	}
}

func TestForgedAndExpiredCookies(t *testing.T) {
	srv, _, _ := newGateServer(t, false, 1500*time.Millisecond)
	c := client(srv)
	u, _ := url.Parse(srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: CookieName, Value: "forged-session-id-0123456789abcdefghijklmno"}})
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("forged cookie: %d, want 401", code)
	}
	signIn(t, c, srv, "p1", p1Password)
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusOK {
		t.Fatalf("fresh session: %d", code)
	}
	// Replay the session id after its expiry (the jar would drop it; a client
	// holding on to it must still be refused by the server).
	id := c.Jar.Cookies(u)[0].Value
	time.Sleep(1700 * time.Millisecond)
	replay := client(srv)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: CookieName, Value: id}})
	if code, _ := get(t, replay, srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("expired session: %d, want 401", code)
	}
}

func TestCookieAttributes(t *testing.T) {
	for _, tls := range []bool{false, true} {
		srv, _, _ := newGateServer(t, tls, time.Hour)
		resp := signIn(t, client(srv), srv, "p1", p1Password)
		cs := resp.Cookies()
		if len(cs) != 1 {
			t.Fatalf("tls=%v: %d cookies", tls, len(cs))
		}
		ck := cs[0]
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure != tls || ck.Path != "/" || ck.MaxAge != 3600 {
			t.Fatalf("tls=%v: cookie %+v: want HttpOnly, SameSite=Strict, Secure=%v, Path=/, Max-Age=3600", tls, ck, tls)
		}
		if len(ck.Value) < 40 {
			t.Fatalf("session id %q too short to be unguessable", ck.Value)
		}
	}
}

// Removing a user from the file ends their sessions without a restart.
func TestRemovedUserLosesAccess(t *testing.T) {
	srv, _, usersFile := newGateServer(t, false, time.Hour)
	c := client(srv)
	signIn(t, c, srv, "p1", p1Password)
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusOK {
		t.Fatalf("before removal: %d", code)
	}
	us, err := LoadUsers(usersFile)
	if err != nil {
		t.Fatal(err)
	}
	delete(us, "p1")
	time.Sleep(20 * time.Millisecond) // a distinct mtime on coarse file systems
	if err := us.Save(usersFile); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(usersFile, time.Now().Add(time.Second), time.Now().Add(time.Second))
	if code, _ := get(t, c, srv.URL+"/P1/index.html"); code != http.StatusUnauthorized {
		t.Fatalf("after removal: %d, want 401", code)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/P1/x.html": "/P1/x.html", "//evil.example/": "/", "https://evil.example": "/",
		"": "/", "/\\evil": "/", "/a\r\nSet-Cookie: x": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("a-long-enough-password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if !CheckPassword(h, "a-long-enough-password") || CheckPassword(h, "a-long-enough-passwore") {
		t.Fatal("CheckPassword")
	}
	if _, err := HashPassword("short"); err == nil {
		t.Fatal("a short password must be refused")
	}
	if CheckPassword("$2a$10$notargon", "x") {
		t.Fatal("a non-argon2id hash must not match")
	}
}
