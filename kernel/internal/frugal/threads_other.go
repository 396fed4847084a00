//go:build !linux

package frugal

// Threads returns the number of threads of this process, or 0 when it
// cannot tell (always, on this system).
func Threads() int { return 0 }
