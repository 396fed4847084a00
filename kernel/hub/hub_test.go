package hub_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
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
			Processes  int
			IPC        int            `json:"kernels_ipc"`
			Kernels    int            `json:"kernels"`
			ServerNice map[string]int `json:"server_nice"`
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
	// A server starts at nice 19 and, once it serves, comes back to
	// GOPHERLAB_HUB_NICE (0), its session and every thread: with
	// autogroups, "0/0".
	for pr, n := range s.AtEnd.ServerNice {
		if _, threads, _ := strings.Cut(pr, "/"); threads != "0" || !strings.HasPrefix(pr, "0/") && !strings.HasPrefix(pr, "-/") {
			t.Errorf("%d learners' servers serve at priority %s (session/threads), want 0/0", n, pr)
		}
	}
	if len(s.AtEnd.ServerNice) == 0 {
		t.Errorf("no learner's server measured")
	}
	if left := append(append(s.LeftProcesses, s.LeftFiles...), s.LeftShm...); len(left) > 0 {
		t.Errorf("left after logout: %v", left)
	}

	// The kernels used the shared build cache, not one of their own each.
	if caches, _ := filepath.Glob(filepath.Join(state, "homes", "*", ".cache", "go-build")); len(caches) > 0 {
		t.Errorf("learners' kernels filled build caches of their own: %v", caches)
	}
	// Nor did they build compiled workers (GOPHERLAB_COMPILED_WORKERS=0):
	// each learner would build the same programs, and cannot offline.
	if caches, _ := filepath.Glob(filepath.Join(state, "homes", "*", ".cache", "gopherlab", "workers")); len(caches) > 0 {
		t.Errorf("learners' kernels built compiled workers: %v", caches)
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

// TestStartScriptStandalone runs gopherlab-singleuser as the container
// image runs it without a hub (a plain Notebook), with a home directory
// whose runtime directory would be too long for a socket's path: the lessons
// are copied and trusted, a lesson runs (loadtest.py --server) on kernels
// whose connection files say ipc, and the runtime directory the script made
// is gone after it stops. A second start keeps the learner's changes and
// brings back a lesson they deleted, trusted.
func TestStartScriptStandalone(t *testing.T) {
	kerneltest.NeedJupyter(t, "starts the Notebook with the gopherlab kernel")
	if err := exec.Command("/usr/bin/python3", "-c", "import notebook.notebookapp").Run(); err != nil {
		t.Skip("the classic Notebook is not installed (Debian: jupyter-notebook)")
	}
	dir := t.TempDir()
	prefix := filepath.Join(dir, "prefix")
	kerneltest.Install(t, prefix)
	lessons := filepath.Join(dir, "master")
	if err := os.MkdirAll(lessons, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"02-no-lock.ipynb", "03-with-lock.ipynb", "05-shared-value.ipynb"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "lessons", l))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lessons, l), b, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	// A home whose ~/.local/share/jupyter/runtime makes socket paths longer
	// than 107 bytes.
	home := filepath.Join(dir, strings.Repeat("h", 40), "learner")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	gocache, _ := exec.Command("go", "env", "GOCACHE").Output()
	before, _ := filepath.Glob("/tmp/gopherlab-rt-*")
	serve := func(check func(url string)) {
		t.Helper()
		port := freePorts(t, 1)[0]
		var log kerneltest.SyncBuffer
		cmd := exec.Command("/usr/bin/python3", "gopherlab-singleuser", "--port", fmt.Sprint(port),
			"--ip", "127.0.0.1", "--NotebookApp.token=standalone")
		cmd.Env = append(os.Environ(), "HOME="+home, "GOPHERLAB_LESSONS="+lessons,
			"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"), "JUPYTER_RUNTIME_DIR=",
			"JUPYTER_DATA_DIR=", "JUPYTER_CONFIG_DIR=", "JUPYTERHUB_API_TOKEN=",
			"GOPHERLAB_GOCACHE="+strings.TrimSpace(string(gocache)))
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		defer func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Errorf("the server did not stop within 30 s of SIGTERM")
			}
			if t.Failed() {
				t.Logf("server log:\n%s", log.String())
			}
		}()
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		for i := 0; ; i++ {
			if strings.Contains(log.String(), "is running at") {
				break
			}
			select {
			case err := <-done:
				done <- err
				t.Fatalf("the server exited: %v", err)
			case <-time.After(200 * time.Millisecond):
			}
			if i == 300 {
				t.Fatal("the server did not start within 60 s")
			}
		}
		check(url)
	}

	serve(func(url string) {
		out, err := exec.Command("/usr/bin/python3", "loadtest.py", "--server", url, "--server-token", "standalone",
			"--lessons", "05", "--lessons-dir", lessons, "--think", "0.1", "--samples", "1").CombinedOutput()
		t.Logf("loadtest.py --server:\n%s", out)
		if err != nil {
			t.Errorf("loadtest.py --server: %v", err)
		}
		// The kernels' connection files say ipc.
		files, _ := filepath.Glob("/tmp/gopherlab-rt-*/kernel-*.json")
		if len(files) == 0 {
			t.Errorf("no kernel connection file in a /tmp/gopherlab-rt-* runtime directory")
		}
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && !strings.Contains(string(b), `"transport": "ipc"`) {
				t.Errorf("%s: not on the ipc transport:\n%s", f, b)
			}
		}
	})
	after, _ := filepath.Glob("/tmp/gopherlab-rt-*")
	if len(after) > len(before) {
		t.Errorf("runtime directories left after the server stopped: %v (before: %v)", after, before)
	}

	// The learner changes a lesson and deletes another.
	mine := filepath.Join(home, "lessons", "02-no-lock.ipynb")
	b, err := os.ReadFile(mine)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(b), "No lock", "No lock (my notes)", 1)
	if err := os.WriteFile(mine, []byte(changed), 0o644); err != nil {
		t.Fatalf("the learner's copy is not writable: %v", err)
	}
	if err := os.Remove(filepath.Join(home, "lessons", "03-with-lock.ipynb")); err != nil {
		t.Fatal(err)
	}
	serve(func(url string) {
		resp, err := http.Get(url + "/api/contents/lessons/03-with-lock.ipynb?content=1&token=standalone")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var model struct {
			Content struct {
				Cells []struct {
					CellType string         `json:"cell_type"`
					Metadata map[string]any `json:"metadata"`
				}
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&model); err != nil {
			t.Fatalf("lesson 03 after a second start: %s %v", resp.Status, err)
		}
		n := 0
		for _, c := range model.Content.Cells {
			if c.CellType == "code" {
				n++
				if c.Metadata["trusted"] != true {
					t.Errorf("lesson 03, copied again: a code cell is not trusted")
				}
			}
		}
		if n == 0 {
			t.Errorf("lesson 03, copied again: no code cells")
		}
	})
	if b, _ := os.ReadFile(mine); string(b) != changed {
		t.Errorf("a second start overwrote the learner's changes to lesson 02")
	}
}
