//go:build linux

package kernel_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestIdleKernelsBlockNoThread: a served kernel waits for IOPub
// subscribers in the runtime's poller, not in a thread blocked in poll: a
// hub keeps hundreds of idle kernels, and a blocked thread is one that
// frugal.Release cannot give back.
func TestIdleKernelsBlockNoThread(t *testing.T) {
	const kernels = 4
	before := threadsInPoll(t)
	for range kernels {
		serveInProcess(t, "ipc")
	}
	time.Sleep(200 * time.Millisecond) // the accept loops are waiting
	if after := threadsInPoll(t); after-before >= kernels {
		t.Errorf("%d threads blocked in poll after serving %d kernels, %d before: a thread per kernel", after, kernels, before)
	}
}

// threadsInPoll counts this process's threads in the poll or ppoll system
// call.
func threadsInPoll(t *testing.T) int {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/syscall")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// poll and ppoll: 7 and 271 on amd64, ppoll 73 on arm64.
		nr := strings.Fields(string(b) + " -")[0]
		switch runtime.GOARCH + "/" + nr {
		case "amd64/7", "amd64/271", "arm64/73":
			n++
		}
	}
	return n
}
