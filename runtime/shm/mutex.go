package shm

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// OwnerCheck is how long a waiter sleeps in the kernel before it checks that
// the owner of a [Mutex] it waits for, or the parties of a barrier, are still
// alive. A lock whose owner died is taken over by the next waiter within
// about this time.
const OwnerCheck = 50 * time.Millisecond

// ErrNotLocked is returned by [Mutex.Unlock] when the mutex is not locked.
var ErrNotLocked = errors.New("shm: unlock of unlocked mutex")

// The owner word of a Mutex holds the owner's lock identity: its pid in
// bits 0-21 (Linux pids stay below 2^22) and the low 10 bits of its start
// time in bits 22-31, so that a recycled pid is almost never taken for the
// owner; 0 means unlocked.
const (
	lockPIDBits = 22
	lockPIDMask = 1<<lockPIDBits - 1
	lockTokMask = 1<<(32-lockPIDBits) - 1
	pidMask     = 1<<30 - 1 // pid bits of an identity from Self
	spins       = 100
	// firstWait bounds the sleep of a waiter that has just set the
	// waiters word: an Unlock on x86 may read the word a few nanoseconds
	// before its release becomes visible (see Mutex.UnlockFast).
	firstWait = time.Millisecond
)

var (
	selfID   uint64 // this process: start-time token << 32 | pid
	selfPID  int
	selfLock uint32 // this process's lock identity, see lockPIDBits
)

func init() {
	selfPID = os.Getpid()
	tok, _, err := procStat(selfPID)
	if err != nil {
		tok = 0
	}
	selfID = uint64(tok)<<32 | uint64(selfPID)
	selfLock = lockID(selfPID, tok)
}

// lockID returns the lock identity of the process pid started at tick
// start.
func lockID(pid int, start uint32) uint32 {
	return uint32(pid)&lockPIDMask | (start&lockTokMask)<<lockPIDBits
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
	tok, running, known := procRunning(pid)
	if !running || !known {
		return running
	}
	want := uint32(id >> 32)
	return want == 0 || tok == want
}

// aliveLock reports whether the process with lock identity id (see
// lockPIDBits) is still running.
func aliveLock(id uint32) bool {
	pid := int(id & lockPIDMask)
	if pid == 0 {
		return false
	}
	if pid == selfPID {
		// Our pid with another start time: a dead process had it before.
		return id == selfLock
	}
	tok, running, known := procRunning(pid)
	if !running || !known {
		return running
	}
	want := id >> lockPIDBits
	return want == 0 || tok&lockTokMask == want
}

// procRunning reports whether pid is a running process (it exists and is
// not a zombie) and, when /proc could tell (known), its start-time token.
func procRunning(pid int) (tok uint32, running, known bool) {
	tok, state, err := procStat(pid)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, false, false
		}
		return 0, unix.Kill(pid, 0) != unix.ESRCH, false
	}
	if state == 'Z' || state == 'X' || state == 'x' {
		return 0, false, false
	}
	return tok, true, true
}

// procStat reads the start time (clock ticks since boot, truncated to 32
// bits) and the state letter of pid from /proc/PID/stat.
func procStat(pid int) (start uint32, state byte, err error) {
	// With system calls rather than os.ReadFile: no *os.File, and so no
	// poller set up for it, which init would otherwise pay for in every
	// program linking the package (a notebook's workers among them).
	fd, err := syscall.Open("/proc/"+strconv.Itoa(pid)+"/stat", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, 0, &os.PathError{Op: "open", Path: "/proc/" + strconv.Itoa(pid) + "/stat", Err: err}
	}
	var buf [1024]byte // a stat line is ~300 bytes, however long its comm
	n, err := syscall.Read(fd, buf[:])
	syscall.Close(fd)
	if err != nil || n <= 0 {
		return 0, 0, errors.New("shm: cannot read /proc stat")
	}
	b := buf[:n]
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

// A Mutex is a robust mutual exclusion lock whose 8 bytes live in shared
// memory, so that every process mapping the memory excludes the others. Get
// one with [Segment.Mutex]; eight zero bytes are an unlocked Mutex. A Mutex
// must not be copied.
//
// The owner is a process, not a goroutine: any goroutine of the owning
// process may unlock it, as with sync.Mutex. It is not reentrant. When the
// owning process dies while holding the Mutex, the next process to lock it
// takes it over within about [OwnerCheck] and is told the previous owner died.
//
// An uncontended Lock is one compare-and-swap; an uncontended Unlock is one
// atomic store (on x86 an ordinary store) and two loads.
type Mutex struct {
	owner   uint32 // lock identity of the owner, 0 when unlocked
	waiters uint32 // 1 when waiters may sleep; the futex word they sleep on
}

// Lock locks m, waiting as long as needed. It reports whether it took the
// lock over from an owner that had died holding it; the data the lock
// protects may then be inconsistent.
func (m *Mutex) Lock() (ownerDied bool) {
	if atomic.CompareAndSwapUint32(&m.owner, 0, selfLock) {
		return false
	}
	_, ownerDied = m.lockSlow(-1)
	return ownerDied
}

// TryLockFast locks m if it is free, with one compare-and-swap, and
// reports whether it did. Unlike [Mutex.TryLock] it does not check for a
// dead owner; callers fall back to Lock or TryLock when it fails.
func (m *Mutex) TryLockFast() bool { return atomic.CompareAndSwapUint32(&m.owner, 0, selfLock) }

// wake clears the waiters word and wakes one waiter, which sets the word
// again once it holds m (other waiters may still sleep). It returns true.
// It is kept out of line so that UnlockFast stays small enough to inline.
//
//go:noinline
func (m *Mutex) wake() bool {
	atomic.StoreUint32(&m.waiters, 0)
	Wake(&m.waiters, 1)
	return true
}

// LockTimeout locks m, waiting at most d (a negative d waits as long as
// needed, zero only tries). It reports whether it locked m and whether it
// took the lock over from an owner that died.
func (m *Mutex) LockTimeout(d time.Duration) (ok, ownerDied bool) {
	if atomic.CompareAndSwapUint32(&m.owner, 0, selfLock) {
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
		v := atomic.LoadUint32(&m.owner)
		if v == 0 {
			if atomic.CompareAndSwapUint32(&m.owner, 0, selfLock) {
				return true, false
			}
			continue
		}
		if aliveLock(v) {
			return false, false
		}
		if atomic.CompareAndSwapUint32(&m.owner, v, selfLock) {
			return true, true
		}
	}
}

func (m *Mutex) lockSlow(d time.Duration) (ok, ownerDied bool) {
	for range spins {
		if v := atomic.LoadUint32(&m.owner); v == 0 && atomic.CompareAndSwapUint32(&m.owner, 0, selfLock) {
			return true, false
		}
	}
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	var seen uint32     // the owner being waited on
	var since time.Time // when seen was first observed
	for {
		v := atomic.LoadUint32(&m.owner)
		if v == 0 {
			if atomic.CompareAndSwapUint32(&m.owner, 0, selfLock) {
				// Others may still sleep: the next Unlock wakes one.
				atomic.StoreUint32(&m.waiters, 1)
				return true, false
			}
			continue
		}
		// Set the waiters word, then look at the owner again: an Unlock
		// either releases m before that look, or reads the word after
		// it was set and wakes a waiter. Sleeping on the waiters word
		// rather than on the owner word means that a wake clearing the
		// word is never missed, even when the same owner locks m again.
		slice := OwnerCheck
		if atomic.LoadUint32(&m.waiters) == 0 {
			atomic.StoreUint32(&m.waiters, 1)
			slice = firstWait
		}
		if atomic.LoadUint32(&m.owner) != v {
			continue
		}
		now := time.Now()
		if v != seen {
			seen, since = v, now
		} else if now.Sub(since) >= OwnerCheck {
			if !aliveLock(v) && atomic.CompareAndSwapUint32(&m.owner, v, selfLock) {
				atomic.StoreUint32(&m.waiters, 1)
				return true, true
			}
			since = now
		}
		if d > 0 {
			rem := deadline.Sub(now)
			if rem <= 0 {
				// A wake meant for the waiters may have been ours:
				// pass it on.
				atomic.StoreUint32(&m.waiters, 1)
				if atomic.LoadUint32(&m.owner) == 0 {
					Wake(&m.waiters, 1)
				}
				return false, false
			}
			slice = min(slice, rem)
		}
		Wait(&m.waiters, 1, slice)
	}
}

// Unlock unlocks m. Any process may unlock it. It returns [ErrNotLocked] if m
// is not locked.
func (m *Mutex) Unlock() error {
	if m.UnlockFast() {
		return nil
	}
	return m.unlockSlow()
}

func (m *Mutex) unlockSlow() error {
	for {
		v := atomic.LoadUint32(&m.owner)
		if v == 0 {
			return ErrNotLocked
		}
		if atomic.CompareAndSwapUint32(&m.owner, v, 0) {
			if atomic.LoadUint32(&m.waiters) != 0 {
				m.wake()
			}
			return nil
		}
	}
}

// Owner returns the pid of the process holding m, or 0 if m is unlocked.
func (m *Mutex) Owner() int { return int(atomic.LoadUint32(&m.owner) & lockPIDMask) }
