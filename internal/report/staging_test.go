package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xinfang/xinfang/internal/store"
)

// Issue 10 item 11: a staging folder left by a report killed with SIGKILL (a real
// child process) is removed by the next publish; one whose builder is still alive
// is left alone.
func TestStaleStagingRemovedLiveKept(t *testing.T) {
	// The live builder is a real process holding the staging folder's flock as a
	// report does: flock(1), so the child does not rerun this package's TestMain.
	flock, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("flock(1) (util-linux) not installed")
	}
	parent := t.TempDir()
	site := filepath.Join(parent, "site")
	build := func(dir string) (int, error) {
		return 1, os.WriteFile(filepath.Join(dir, "index.html"), []byte("site"), 0o644)
	}
	staging, err := os.MkdirTemp(parent, ".site.new-")
	if err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(parent, "helper-ready")
	cmd := exec.Command(flock, "--nonblock", staging, "sh", "-c", "touch "+ready+"; exec sleep 300")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() }()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(ready); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("flock never took the staging folder's lock")
		}
	}
	// A crash-era leftover without any lock, and the fallback exchange's ".old".
	for _, d := range []string{".site.new-123", ".site.new-456.old"} {
		if err := os.MkdirAll(filepath.Join(parent, d, "unit"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := publish(site, nil, build); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(staging); err != nil {
		t.Fatalf("the live builder's staging folder was removed: %v", err)
	}
	for _, d := range []string{".site.new-123", ".site.new-456.old"} {
		if _, err := os.Stat(filepath.Join(parent, d)); !os.IsNotExist(err) {
			t.Errorf("stale %s still there (%v)", d, err)
		}
	}

	// SIGKILL the whole holder: flock(1) and its sleep share the open file.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		_ = cmd.Process.Signal(syscall.SIGKILL)
	}
	_ = cmd.Wait()
	// The sleep (a grandchild, not waited for) may take a moment to die and drop the lock.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if release, err := lockDir(staging); err == nil {
			release()
			break
		} else if time.Now().After(deadline) {
			t.Fatal("the killed holder's lock was never released")
		}
	}
	if _, err := publish(site, nil, build); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(parent)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "helper-ready site" {
		t.Fatalf("beside the site after the killed builder's folder was cleaned: %s", got)
	}
}

// Issue 10 item 14: the site gets folders 0755 and files 0644 less the umask the
// process started with (store.SiteUmask), even though its files are created under
// the tightened umask (077) that keeps the database 0600. (scripts/crashtest.sh
// checks the same with the real binary under umask 027.)
func TestSiteModesFollowOriginalUmask(t *testing.T) {
	um := os.FileMode(store.SiteUmask())
	parent := t.TempDir()
	site := filepath.Join(parent, "site")
	_, err := publish(site, nil, func(dir string) (int, error) {
		prev := syscall.Umask(0o077) // what store.Open leaves in a writing process
		defer syscall.Umask(prev)
		if err := os.MkdirAll(filepath.Join(dir, "unit"), 0o755); err != nil {
			return 0, err
		}
		return 1, os.WriteFile(filepath.Join(dir, "unit", "U1.html"), []byte("x"), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{site: 0o755 &^ um, filepath.Join(site, "unit"): 0o755 &^ um, filepath.Join(site, "unit", "U1.html"): 0o644 &^ um} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (original umask %03o)", p, st.Mode().Perm(), want, um)
		}
	}
}
