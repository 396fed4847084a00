package kernel_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestJupyterConsoleTerminal runs `jupyter console --kernel gopherlab` in a
// real terminal (tmux) as a learner would: the screen shows no log line of
// the kernel, a continuation line is indented with spaces (a tab showed as
// ^I), a cell runs, and `exit` leaves the console.
func TestJupyterConsoleTerminal(t *testing.T) {
	env := jupyterEnv(t, "jupyter_console")
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed (apt-get install tmux)")
	}
	sock := fmt.Sprintf("gopherlab-test-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	defer tmux("kill-server")
	var envArgs []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "JUPYTER_") || strings.HasPrefix(kv, "IPYTHONDIR=") || strings.HasPrefix(kv, "PATH=") {
			envArgs = append(envArgs, kv)
		}
	}
	console := append(append([]string{"env"}, envArgs...), "/usr/bin/jupyter", "console", "--kernel", "gopherlab",
		"--ZMQTerminalInteractiveShell.kernel_timeout=120")
	if out, err := tmux(append([]string{"new-session", "-d", "-s", "c", "-x", "120", "-y", "40"}, console...)...); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	screen := func() string {
		out, _ := tmux("capture-pane", "-p", "-t", "c")
		return out
	}
	waitFor := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			if s := screen(); ok(s) {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("waiting for %s; screen:\n%s", what, screen())
		return ""
	}
	keys := func(k ...string) {
		t.Helper()
		if out, err := tmux(append([]string{"send-keys", "-t", "c"}, k...)...); err != nil {
			t.Fatalf("send-keys: %v\n%s", err, out)
		}
	}

	s := waitFor("the first prompt", func(s string) bool { return strings.Contains(s, "In [1]:") })
	for _, noise := range []string{"gopherlab:", "listening", "tcp://"} {
		if strings.Contains(s, noise) {
			t.Errorf("the kernel's log shows in the console (%q):\n%s", noise, s)
		}
	}
	if !strings.Contains(s, "gopherlab") {
		t.Errorf("no banner:\n%s", s)
	}

	keys("func twice(x int) int {", "Enter")
	waitFor("a continuation line", func(s string) bool { return strings.Contains(s, "...:") })
	keys("return 2 * x")
	s = waitFor("the body typed", func(s string) bool { return strings.Contains(s, "return 2 * x") })
	if strings.Contains(s, "^I") {
		t.Errorf("a tab shows as ^I:\n%s", s)
	}
	if !strings.Contains(s, "...:     return 2 * x") {
		t.Errorf("the continuation line is not indented with four spaces:\n%s", s)
	}
	keys("Enter", "}", "Enter")
	waitFor("the next prompt", func(s string) bool { return strings.Contains(s, "In [2]:") })
	keys("twice(21)", "Enter")
	waitFor("the result and the next prompt", func(s string) bool {
		return strings.Contains(s, "Out[2]: 42") && strings.Contains(s, "In [3]:")
	})

	keys("exit", "Enter")
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := tmux("has-session", "-t", "c"); err != nil {
			break // the console has exited
		}
		if time.Now().After(deadline) {
			t.Fatalf("exit did not leave the console; screen:\n%s", screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
