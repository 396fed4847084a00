package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// TestKernelExitsWithItsParent starts a kernel through a shell that exits a
// second later, as a frontend that crashes would: the orphaned kernel must shut down
// instead of living on with its children and shared memory.
func TestKernelExitsWithItsParent(t *testing.T) {
	bin, conn := kerneltest.Binary(t), ipcConnFile(t)
	out, err := exec.Command("sh", "-c", bin+" kernel "+conn+" >/dev/null 2>&1 & echo $!; sleep 1").Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("pid %q: %v", out, err)
	}
	t.Cleanup(func() { _ = exec.Command("kill", "-9", strconv.Itoa(pid)).Run() })
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !kerneltest.Running(pid) {
			return
		}
	}
	t.Fatalf("kernel %d still runs 30 s after its parent exited", pid)
}

// TestKernelExitsWithJPYParent: a kernel whose JPY_PARENT_PID (the Jupyter
// server, for jupyter_client) exits shuts down, though the process that
// started it lives on.
func TestKernelExitsWithJPYParent(t *testing.T) {
	bin, conn := kerneltest.Binary(t), ipcConnFile(t)
	server := exec.Command("sleep", "2")
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	go server.Wait()
	kernel := exec.Command(bin, "kernel", conn)
	kernel.Env = append(os.Environ(), "JPY_PARENT_PID="+strconv.Itoa(server.Process.Pid))
	if err := kernel.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- kernel.Wait() }()
	t.Cleanup(func() { kernel.Process.Kill() })
	select {
	case err := <-exited:
		t.Fatalf("kernel exited (%v) while JPY_PARENT_PID still ran", err)
	case <-time.After(time.Second):
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("kernel still runs 30 s after JPY_PARENT_PID exited")
	}
}

// ipcConnFile writes a connection file for a kernel on ipc sockets in a
// temporary directory and returns its path.
func ipcConnFile(t *testing.T) string {
	dir := t.TempDir()
	conn := filepath.Join(dir, "kernel.json")
	spec := fmt.Sprintf(`{"transport": "ipc", "ip": %q, "shell_port": 1, "iopub_port": 2,
		"stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "secret",
		"signature_scheme": "hmac-sha256"}`, filepath.Join(dir, "k"))
	if err := os.WriteFile(conn, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	return conn
}
