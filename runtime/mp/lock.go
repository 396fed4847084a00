package mp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// A Lock is a mutual exclusion lock shared by processes, like Python's
// multiprocessing.Lock: while one process holds it, any other process (or
// goroutine) that calls Lock waits. Create one with [NewLock] or
// [NewTracedLock]; the zero value is not usable. Pass a *Lock to a child
// process as an argument of [NewProcess]: parent and children then lock the
// same lock, whose word lives in shared memory. A Lock must not be copied;
// pass the pointer. Its methods are safe for concurrent use by goroutines
// and processes. A Lock satisfies sync.Locker.
//
// The owner of a Lock is a process. An uncontended Lock is one
// compare-and-swap and an uncontended Unlock one store (see
// shm.Mutex.UnlockFast); waiters sleep in the kernel. The Lock is robust:
// when the process holding it dies, the next process waiting for it takes
// it within about 50 ms instead of waiting forever (Python deadlocks here),
// and [Lock.OwnerDied] then reports true.
type Lock struct {
	fast  *shm.Mutex // m when Lock and Unlock need no extra work, or nil
	seg   *shm.Segment
	off   int
	m     *shm.Mutex
	died  bool
	trace *tracer
	race  raceSync
}

// lockSegmentSize is the size of a plain Lock's segment: one page.
const lockSegmentSize = 4096

var errZeroLock = errors.New("mp: use of a Lock not made by mp.NewLock")

// NewLock returns a new unlocked Lock in shared memory. It panics if the
// system cannot provide shared memory (for instance when the process has
// run out of file descriptors).
func NewLock() *Lock {
	return newLock(mustSegment(lockSegmentSize), 0, nil)
}

// newLock returns a Lock over the word at off in seg, traced by t if not nil.
func newLock(seg *shm.Segment, off int, t *tracer) *Lock {
	l := &Lock{seg: seg, off: off, m: seg.Mutex(off), trace: t}
	if t == nil && !raceEnabled {
		l.fast = l.m
	}
	return l
}

// mustSegment creates a shared memory segment or panics with a clear
// message: programs cannot do much when the system has no memory or file
// descriptors left.
func mustSegment(size int) *shm.Segment {
	seg, err := shm.New(size)
	if err != nil {
		panic(fmt.Errorf("mp: cannot create shared memory (too many open files or no memory?): %w", err))
	}
	return seg
}

// Lock locks l, waiting as long as needed for other processes or
// goroutines to unlock it. A Lock is not reentrant: locking it twice
// without unlocking waits forever.
func (l *Lock) Lock() {
	if l.fast != nil && l.fast.TryLockFast() {
		l.died = false
		return
	}
	l.lockSlow()
}

func (l *Lock) lockSlow() {
	if l.m == nil {
		panic(errZeroLock)
	}
	if l.trace != nil && !l.traceWait() {
		return
	}
	l.locked(l.m.Lock())
}

// traceWait, for a traced lock, takes l if it is free or else records that
// this process begins to wait for it. It reports whether the caller must
// still wait.
func (l *Lock) traceWait() bool {
	if l.m.TryLockFast() {
		l.locked(false)
		return false
	}
	l.trace.record(eventWait)
	return true
}

// locked finishes an acquisition: died says whether the previous owner died.
func (l *Lock) locked(died bool) {
	if raceEnabled {
		l.race.acquire()
	}
	l.died = died
	if l.trace != nil {
		l.trace.record(eventAcquire)
	}
}

// TryLock locks l if no live process holds it, without waiting, and reports
// whether it did.
func (l *Lock) TryLock() bool {
	if l.m == nil {
		panic(errZeroLock)
	}
	ok, died := l.m.TryLock()
	if ok {
		l.locked(died)
	}
	return ok
}

// LockTimeout locks l, waiting at most d, and reports whether it did. A
// negative d waits as long as needed, like [Lock.Lock]. Python writes this
// lock.acquire(timeout=d).
func (l *Lock) LockTimeout(d time.Duration) bool {
	if l.m == nil {
		panic(errZeroLock)
	}
	if l.trace != nil && d != 0 && !l.traceWait() {
		return true
	}
	ok, died := l.m.LockTimeout(d)
	if ok {
		l.locked(died)
	} else if l.trace != nil && d != 0 {
		l.trace.record(eventGiveUp)
	}
	return ok
}

// Unlock unlocks l. Any process or goroutine may unlock it, as with
// sync.Mutex. Unlocking a Lock that is not locked panics (Python raises
// ValueError): every Unlock must match one Lock.
func (l *Lock) Unlock() {
	if l.fast != nil && l.fast.UnlockFast() {
		return
	}
	l.unlockSlow()
}

func (l *Lock) unlockSlow() {
	if l.m == nil {
		panic(errZeroLock)
	}
	if l.trace != nil {
		l.trace.record(eventRelease)
	}
	if raceEnabled {
		l.race.release()
	}
	if l.m.Unlock() != nil {
		panic(errors.New("mp: Unlock of a Lock that is not locked: call Unlock once per Lock, for instance with defer right after Lock"))
	}
}

// OwnerDied reports whether the last Lock, TryLock or LockTimeout that
// locked l took it over from a process that died while holding it. The
// data the lock protects may then be half updated. Call it while holding l.
func (l *Lock) OwnerDied() bool { return l.died }

// Owner returns the process id of the process holding l, or 0 when l is
// unlocked. The answer may be stale by the time it is read.
func (l *Lock) Owner() int {
	if l.m == nil {
		panic(errZeroLock)
	}
	return l.m.Owner()
}

// String describes l for printing, for instance "Lock(unlocked)" or
// "Lock(locked by pid 1234)".
func (l *Lock) String() string {
	if l == nil || l.m == nil {
		return "Lock(invalid)"
	}
	if p := l.m.Owner(); p != 0 {
		return fmt.Sprintf("Lock(locked by pid %d)", p)
	}
	return "Lock(unlocked)"
}

const kindLock = "mp.Lock"

func init() { registerKind(kindLock, openLock) }

// share implements sharer. The metadata is the lock word's offset and the
// trace buffer's offset (0 when untraced).
func (l *Lock) share() (string, []*os.File, []byte, error) {
	if l.m == nil {
		return "", nil, nil, errZeroLock
	}
	meta := binary.LittleEndian.AppendUint32(nil, uint32(l.off))
	traceOff := 0
	if l.trace != nil {
		traceOff = l.trace.off
	}
	meta = binary.LittleEndian.AppendUint32(meta, uint32(traceOff))
	return kindLock, []*os.File{l.seg.File()}, meta, nil
}

func openLock(files []*os.File, meta []byte) (any, error) {
	if len(files) != 1 || len(meta) != 8 {
		return nil, errors.New("mp: open shared Lock: bad description")
	}
	seg, err := shm.Open(files[0])
	if err != nil {
		return nil, fmt.Errorf("mp: open shared Lock: %w", err)
	}
	off := int(binary.LittleEndian.Uint32(meta))
	traceOff := int(binary.LittleEndian.Uint32(meta[4:]))
	return lockAt(seg, off, traceOff)
}

// lockAt returns a Lock over the word at off in seg, traced by the buffer at
// traceOff when traceOff is not 0.
func lockAt(seg *shm.Segment, off, traceOff int) (*Lock, error) {
	if off < 0 || off%8 != 0 || off+8 > seg.Len() {
		return nil, fmt.Errorf("mp: open shared Lock: offset %d out of range", off)
	}
	var t *tracer
	if traceOff != 0 {
		var err error
		if t, err = openTracer(seg, traceOff); err != nil {
			return nil, err
		}
	}
	return newLock(seg, off, t), nil
}
