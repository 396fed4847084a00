package frugal

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// Threads returns the number of threads of this process, or 0 when it
// cannot tell.
func Threads() int { return ThreadsOf(os.Getpid()) }

// ThreadsOf returns the number of threads of process pid, or 0 when it
// cannot tell.
func ThreadsOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	_, rest, ok := bytes.Cut(b, []byte("\nThreads:"))
	if !ok {
		return 0
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	n, err := strconv.Atoi(string(bytes.TrimSpace(line)))
	if err != nil {
		return 0
	}
	return n
}

// onMainThread reports whether the calling goroutine runs on the process's
// main thread (whose thread id is the process id). The caller has locked
// its thread.
func onMainThread() bool { return syscall.Gettid() == syscall.Getpid() }
