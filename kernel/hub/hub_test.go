package hub_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// TestClassroom starts a hub with run-hub.sh (demo accounts, on loopback,
// on ports of its own) and runs loadtest.py against it: a small class logs
// in, runs lessons 02 and 07 over the kernels' websockets, leaves the
// kernels running and logs out. Every lesson's check must pass (trusted
// notebook, kernel on ipc, the lesson's ✓) and nothing may be left: no
// process, no kernel file, no shared memory. Then the hub is stopped and
// must leave no process either. It runs when GOPHERLAB_HUB_TEST is set
// (.ci/run sets it) and JupyterHub is installed (Debian: jupyterhub,
// node-configurable-http-proxy); GOPHERLAB_HUB_TEST=N,S runs N learners
// logging in over S seconds (default 4,4).
func TestClassroom(t *testing.T) {
	spec := os.Getenv("GOPHERLAB_HUB_TEST")
	if spec == "" {
		t.Skip("starts JupyterHub and a class of learners; set GOPHERLAB_HUB_TEST=1 to run")
	}
	kerneltest.NeedJupyter(t, "starts JupyterHub with the gopherlab kernel")
	for _, bin := range []string{"/usr/bin/jupyterhub", "/usr/bin/jupyterhub-singleuser"} {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("GOPHERLAB_HUB_TEST is set but %s is missing: apt-get install jupyterhub node-configurable-http-proxy", bin)
		}
	}
	learners, over := "4", "4"
	if n, s, ok := strings.Cut(spec, ","); ok {
		learners, over = n, s
	}

	dir := t.TempDir()
	prefix := filepath.Join(dir, "prefix")
	kerneltest.Install(t, prefix)
	state := filepath.Join(dir, "state")
	token := filepath.Join(dir, "token")
	ports := freePorts(t, 3)
	hubURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	logPath := filepath.Join(dir, "hub.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	// The go build cache of the tests, likely warm, rather than a new one
	// to fill with the whole standard library.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	hub := exec.Command("./run-hub.sh", "--accounts", "demo", "--password", "class",
		"--gocache", strings.TrimSpace(string(gocache)),
		"--ip", "127.0.0.1", "--port", fmt.Sprint(ports[0]), "--hub-port", fmt.Sprint(ports[1]),
		"--proxy-api-port", fmt.Sprint(ports[2]), "--state", state, "--prefix", prefix, "--no-build",
		"--api-token-file", token)
	hub.Stdout, hub.Stderr = logFile, logFile
	hub.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := hub.Start(); err != nil {
		t.Fatal(err)
	}
	hubDone := make(chan error, 1)
	go func() { hubDone <- hub.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		// JupyterHub stops the proxy and the servers it started.
		hub.Process.Signal(syscall.SIGTERM)
		select {
		case <-hubDone:
		case <-time.After(60 * time.Second):
			t.Errorf("JupyterHub still running 60 s after SIGTERM")
			syscall.Kill(-hub.Process.Pid, syscall.SIGKILL)
			<-hubDone
		}
	}
	defer func() {
		stop()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("hub log (last 6000 bytes):\n%s", tail(b, 6000))
		}
	}()
	waitFor(t, logPath, "JupyterHub is now running", hubDone, 180*time.Second)

	summary := filepath.Join(dir, "summary.json")
	lt := exec.Command("/usr/bin/python3", "loadtest.py", "--hub", hubURL, "--token-file", token,
		"--state", state, "--learners", learners, "--over", over, "--lessons", "02,07",
		"--think", "0.3", "--samples", "2", "--json", summary)
	out, err := lt.CombinedOutput()
	t.Logf("loadtest.py:\n%s", out)
	var s struct {
		ChecksOK      int      `json:"checks_ok"`
		Checks        int      `json:"checks"`
		LeftProcesses []string `json:"left_processes"`
		LeftFiles     []string `json:"left_files"`
		LeftShm       []string `json:"left_shm"`
		AtEnd         struct {
			Processes int
			IPC       int `json:"kernels_ipc"`
			Kernels   int `json:"kernels"`
		} `json:"at_end"`
	}
	if b, rerr := os.ReadFile(summary); rerr != nil {
		t.Fatalf("loadtest.py wrote no figures: %v (exit: %v)", rerr, err)
	} else if jerr := json.Unmarshal(b, &s); jerr != nil {
		t.Fatal(jerr)
	}
	if err != nil {
		t.Errorf("loadtest.py: %v", err)
	}
	if s.Checks == 0 || s.ChecksOK != s.Checks {
		t.Errorf("%d of %d lesson checks passed", s.ChecksOK, s.Checks)
	}
	if s.AtEnd.Kernels == 0 || s.AtEnd.IPC != s.AtEnd.Kernels {
		t.Errorf("%d of %d kernels on the ipc transport", s.AtEnd.IPC, s.AtEnd.Kernels)
	}
	if left := append(append(s.LeftProcesses, s.LeftFiles...), s.LeftShm...); len(left) > 0 {
		t.Errorf("left after logout: %v", left)
	}

	// The kernels used the shared build cache, not one of their own each.
	if caches, _ := filepath.Glob(filepath.Join(state, "homes", "*", ".cache", "go-build")); len(caches) > 0 {
		t.Errorf("learners' kernels filled build caches of their own: %v", caches)
	}
	if homes, _ := filepath.Glob(filepath.Join(state, "homes", "*", "lessons", "02-*.ipynb")); len(homes) == 0 {
		t.Errorf("no learner got a copy of the lessons in their home")
	}

	// The hub itself leaves nothing when it stops: the proxy goes with it.
	proxyPid := readPid(filepath.Join(state, "jupyterhub-proxy.pid"))
	stop()
	if proxyPid > 0 && syscall.Kill(proxyPid, 0) == nil {
		time.Sleep(2 * time.Second)
		if syscall.Kill(proxyPid, 0) == nil {
			t.Errorf("the proxy (pid %d) is still running after the hub stopped", proxyPid)
			syscall.Kill(proxyPid, syscall.SIGKILL)
		}
	}
}

// freePorts returns n TCP ports free on 127.0.0.1 a moment ago.
func freePorts(t *testing.T, n int) []int {
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// waitFor waits until the file at path contains want, failing the test
// when done delivers (the process exited) or after timeout.
func waitFor(t *testing.T, path, want string, done chan error, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if f, err := os.Open(path); err == nil {
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if strings.Contains(sc.Text(), want) {
					f.Close()
					return
				}
			}
			f.Close()
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("run-hub.sh exited (%v) before %q", err, want)
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatalf("no %q in the hub's log within %v", want, timeout)
}

func readPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	var pid int
	fmt.Sscan(string(b), &pid)
	return pid
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
