//go:build !linux

package frugal

// Threads returns the number of threads of this process, or 0 when it
// cannot tell (always, on this system).
func Threads() int { return 0 }

// ThreadsOf returns the number of threads of process pid, or 0 when it
// cannot tell (always, on this system).
func ThreadsOf(pid int) int { return 0 }

// onMainThread reports whether the calling goroutine runs on the process's
// main thread: unknown here, so yes (its thread is never ended).
func onMainThread() bool { return true }
