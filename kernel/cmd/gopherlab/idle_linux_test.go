//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/frugal"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// TestIdleKernelThreads: a kernel gone idle keeps few threads, which a hub
// with hundreds of idle kernels counts: it prestarts a worker, goes idle,
// ends the worker and releases its threads. With GOPHERLAB_SIGNALS=off
// there remain the main thread, the runtime's monitor and its template
// thread, and at most two more the runtime keeps running (3 to 5 on the
// development machine); handling signals keeps the runtime's signal
// thread and the one os/signal waits on besides (5 to 7, logged only: the
// hub turns signals off).
func TestIdleKernelThreads(t *testing.T) {
	bin := kerneltest.Binary(t)
	for _, tc := range []struct {
		signals string
		max     int
	}{{"off", 5}, {"on", 0}} {
		c, name := writeConn(t, t.TempDir(), "ipc")
		cmd, log := startKernel(t, bin, name, "GOPHERLAB_SIGNALS="+tc.signals, "GOPHERLAB_WORKERS=ready=1,idle=300ms")
		if err := kernelInfo(t, c, 30*time.Second); err != nil {
			t.Fatalf("%v; kernel log:\n%s", err, log)
		}
		// The kernel goes idle 300 ms after its policy is set, and the
		// last thread Release leaves ends 100 ms after it; a loaded
		// machine takes longer.
		busy, n := 0, 0
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			n = frugal.ThreadsOf(cmd.Process.Pid)
			busy = max(busy, n)
		}
		t.Logf("GOPHERLAB_SIGNALS=%s: %d threads at most, %d once idle", tc.signals, busy, n)
		if tc.max > 0 && n > tc.max {
			t.Errorf("GOPHERLAB_SIGNALS=%s: %d threads once idle, want at most %d: %s; kernel log:\n%s", tc.signals, n, tc.max, tasks(cmd.Process.Pid), log)
		}
	}
}

// tasks describes the threads of pid: the system call each waits in.
func tasks(pid int) string {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/syscall", pid))
	var b strings.Builder
	for _, f := range files {
		sc, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "thread %s in system call %s; ", filepath.Base(filepath.Dir(f)), strings.Fields(string(sc) + " -")[0])
	}
	return b.String()
}
