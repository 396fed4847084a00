package shm

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// OwnerCheck is how long a waiter sleeps in the kernel before it checks that
// the owner of a [Mutex] it waits for, or the parties of a barrier, are still
// alive. A lock whose owner died is taken over by the next waiter within
// about this time.
const OwnerCheck = 50 * time.Millisecond

// ErrNotLocked is returned by [Mutex.Unlock] when the mutex is not locked.
var ErrNotLocked = errors.New("shm: unlock of unlocked mutex")

// Lock word layout: bits 0-29 hold the owner's pid (Linux pids are below
// 2^22), bit 31 says that waiters may be asleep, the high 32 bits hold the
// owner's start time, so that a recycled pid is not taken for the owner.
const (
	pidMask    = 1<<30 - 1
	waitersBit = 1 << 31
	spins      = 100
)

var (
	selfID  uint64 // this process: start-time token << 32 | pid
	selfPID int
	// lowFirst is true when the low half of a uint64 comes first in memory.
	lowFirst bool
)

func init() {
	selfPID = os.Getpid()
	tok, _, err := procStat(selfPID)
	if err != nil {
		tok = 0
	}
	selfID = uint64(tok)<<32 | uint64(selfPID)
	x := uint64(1)
	lowFirst = *(*byte)(unsafe.Pointer(&x)) == 1
}

// Self returns the identity this process records as a [Mutex] owner: its pid
// in the low 30 bits and a token from its start time in the high 32 bits.
func Self() uint64 { return selfID }

// Pid returns the process id in an identity returned by [Self] or found in a
// lock word.
func Pid(id uint64) int { return int(id & pidMask) }

// Alive reports whether the process with identity id (from [Self]) is still
// running: its pid exists, is not a zombie, and has the recorded start time
// (so that a recycled pid does not count).
func Alive(id uint64) bool {
	pid := Pid(id)
	if pid == 0 {
		return false
	}
	if pid == selfPID {
		return true
	}
	tok, state, err := procStat(pid)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false
		}
		return unix.Kill(pid, 0) != unix.ESRCH
	}
	if state == 'Z' || state == 'X' || state == 'x' {
		return false
	}
	want := uint32(id >> 32)
	return want == 0 || tok == want
}

// procStat reads the start time (clock ticks since boot, truncated to 32
// bits) and the state letter of pid from /proc/PID/stat.
func procStat(pid int) (start uint32, state byte, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, errors.New("shm: malformed /proc stat")
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); starttime is field 22.
	if len(f) < 20 {
		return 0, 0, errors.New("shm: malformed /proc stat")
	}
	st, err := strconv.ParseUint(string(f[19]), 10, 64)
	if err != nil {
		return 0, 0, errors.New("shm: malformed /proc stat")
	}
	return uint32(st), f[0][0], nil
}

// A Mutex is a robust mutual exclusion lock whose 8-byte lock word lives in
// shared memory, so that every process mapping the memory excludes the
// others. Get one with [Segment.Mutex]; the zero word is an unlocked Mutex.
// A Mutex must not be copied.
//
// The owner is a process, not a goroutine: any goroutine of the owning
// process may unlock it, as with sync.Mutex. It is not reentrant. When the
// owning process dies while holding the Mutex, the next process to lock it
// takes it over within about [OwnerCheck] and is told the previous owner died.
type Mutex struct {
	w uint64
}

// Lock locks m, waiting as long as needed. It reports whether it took the
// lock over from an owner that had died holding it; the data the lock
// protects may then be inconsistent.
func (m *Mutex) Lock() (ownerDied bool) {
	if atomic.CompareAndSwapUint64(&m.w, 0, selfID) {
		return false
	}
	_, ownerDied = m.lockSlow(-1)
	return ownerDied
}

// TryLockFast locks m if it is free, with one compare-and-swap, and
// reports whether it did. Unlike [Mutex.TryLock] it does not check for a
// dead owner; callers fall back to Lock or TryLock when it fails.
func (m *Mutex) TryLockFast() bool { return atomic.CompareAndSwapUint64(&m.w, 0, selfID) }

// UnlockFast unlocks m if this process holds it and no waiter sleeps, with
// one compare-and-swap, and reports whether it did. Callers fall back to
// [Mutex.Unlock] when it fails.
func (m *Mutex) UnlockFast() bool { return atomic.CompareAndSwapUint64(&m.w, selfID, 0) }

// LockTimeout locks m, waiting at most d (a negative d waits as long as
// needed, zero only tries). It reports whether it locked m and whether it
// took the lock over from an owner that died.
func (m *Mutex) LockTimeout(d time.Duration) (ok, ownerDied bool) {
	if atomic.CompareAndSwapUint64(&m.w, 0, selfID) {
		return true, false
	}
	if d == 0 {
		return m.TryLock()
	}
	return m.lockSlow(d)
}

// TryLock locks m if it is free, or held by a process that died, without
// waiting. It reports whether it locked m and whether the previous owner died.
func (m *Mutex) TryLock() (ok, ownerDied bool) {
	for {
		v := atomic.LoadUint64(&m.w)
		if v == 0 {
			if atomic.CompareAndSwapUint64(&m.w, 0, selfID) {
				return true, false
			}
			continue
		}
		if Alive(v &^ waitersBit) {
			return false, false
		}
		if atomic.CompareAndSwapUint64(&m.w, v, selfID|v&waitersBit) {
			return true, true
		}
	}
}

func (m *Mutex) lockSlow(d time.Duration) (ok, ownerDied bool) {
	for range spins {
		if v := atomic.LoadUint64(&m.w); v == 0 && atomic.CompareAndSwapUint64(&m.w, 0, selfID) {
			return true, false
		}
	}
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	var seen uint64     // the lock word value being waited on
	var since time.Time // when seen was first observed
	for {
		v := atomic.LoadUint64(&m.w)
		if v == 0 {
			// Others may still sleep: keep the waiters bit.
			if atomic.CompareAndSwapUint64(&m.w, 0, selfID|waitersBit) {
				return true, false
			}
			continue
		}
		if v&waitersBit == 0 {
			if !atomic.CompareAndSwapUint64(&m.w, v, v|waitersBit) {
				continue
			}
			v |= waitersBit
		}
		now := time.Now()
		if v != seen {
			seen, since = v, now
		} else if now.Sub(since) >= OwnerCheck {
			if !Alive(v&^waitersBit) && atomic.CompareAndSwapUint64(&m.w, v, selfID|waitersBit) {
				return true, true
			}
			since = now
		}
		slice := OwnerCheck
		if d > 0 {
			rem := deadline.Sub(now)
			if rem <= 0 {
				return false, false
			}
			slice = min(slice, rem)
		}
		Wait(m.futexWord(), uint32(v), slice)
	}
}

// Unlock unlocks m. Any process may unlock it. It returns [ErrNotLocked] if m
// is not locked.
func (m *Mutex) Unlock() error {
	if atomic.CompareAndSwapUint64(&m.w, selfID, 0) {
		return nil
	}
	return m.unlockSlow()
}

func (m *Mutex) unlockSlow() error {
	for {
		v := atomic.LoadUint64(&m.w)
		if v&pidMask == 0 {
			return ErrNotLocked
		}
		if atomic.CompareAndSwapUint64(&m.w, v, 0) {
			if v&waitersBit != 0 {
				Wake(m.futexWord(), 1)
			}
			return nil
		}
	}
}

// Owner returns the pid of the process holding m, or 0 if m is unlocked.
func (m *Mutex) Owner() int { return Pid(atomic.LoadUint64(&m.w)) }

// futexWord is the 32-bit half of the lock word that holds the pid and the
// waiters bit: futexes compare 32-bit words.
func (m *Mutex) futexWord() *uint32 {
	p := unsafe.Pointer(&m.w)
	if !lowFirst {
		p = unsafe.Add(p, 4)
	}
	return (*uint32)(p)
}
