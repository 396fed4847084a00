package shm

import (
	"errors"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Futex operations, without FUTEX_PRIVATE_FLAG so that they work across
// processes (linux/futex.h).
const (
	futexWait = 0
	futexWake = 1
)

// ErrTimeout is returned by [Wait] when the timeout passed before a wake.
var ErrTimeout = errors.New("shm: futex wait timed out")

// Wait sleeps while *addr == val, until [Wake] is called on addr, the timeout
// passes (a negative timeout waits without limit) or a signal interrupts it.
// It returns nil at once when *addr != val. Spurious wakeups happen: callers
// wait in a loop and recheck their condition. It returns [ErrTimeout] when the
// timeout passed. addr must point into shared memory (a [Segment]) for
// processes to see each other's wakes; it works on ordinary memory too.
func Wait(addr *uint32, val uint32, timeout time.Duration) error {
	var ts *unix.Timespec
	if timeout >= 0 {
		t := unix.NsecToTimespec(int64(timeout))
		ts = &t
	}
	_, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWait,
		uintptr(val), uintptr(unsafe.Pointer(ts)), 0, 0)
	switch e {
	case 0, unix.EAGAIN, unix.EINTR:
		return nil
	case unix.ETIMEDOUT:
		return ErrTimeout
	default:
		return &futexError{op: "wait", errno: e}
	}
}

// Wake wakes up to n processes or threads sleeping in [Wait] on addr and
// returns how many it woke.
func Wake(addr *uint32, n int) int {
	r, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWake,
		uintptr(n), 0, 0, 0)
	if e != 0 {
		return 0
	}
	return int(r)
}

type futexError struct {
	op    string
	errno unix.Errno
}

func (e *futexError) Error() string { return "shm: futex " + e.op + ": " + e.errno.Error() }
func (e *futexError) Unwrap() error { return e.errno }
