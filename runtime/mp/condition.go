package mp

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// A Condition is a condition variable shared by processes, like Python's
// multiprocessing.Condition: processes hold its [Lock], check some shared
// state, and Wait for another process to change the state and Notify.
// Create one with [NewCondition]; the zero value is not usable and a
// Condition must not be copied (pass the pointer). Pass it to a child
// process as an argument of [NewProcess] to share it together with its
// lock; its methods are safe for concurrent use by goroutines and
// processes.
//
// As with sync.Cond, Wait may return although the state has not changed
// the way the waiter wants (another waiter may have been first): always
// wait in a loop, or use [Condition.WaitFor].
type Condition struct {
	seg     *shm.Segment
	seq     *uint32 // futex word: changes on every Notify
	waiting *uint32 // waiters not yet notified
	tokens  *uint32 // notifications not yet taken by a waiter
	lock    *Lock
}

var errZeroCondition = errors.New("mp: use of a Condition not made by mp.NewCondition")

// NewCondition returns a Condition using lock, or a new [Lock] when lock
// is nil (Python's default is a reentrant lock; here it is a plain Lock).
func NewCondition(lock *Lock) *Condition {
	if lock == nil {
		lock = NewLock()
	} else if lock.m == nil {
		panic(errZeroLock)
	}
	return conditionAt(mustSegment(lockSegmentSize), lock)
}

func conditionAt(seg *shm.Segment, lock *Lock) *Condition {
	return &Condition{seg: seg, seq: seg.Uint32(0), waiting: seg.Uint32(4), tokens: seg.Uint32(8), lock: lock}
}

func (c *Condition) valid() {
	if c == nil || c.seq == nil {
		panic(errZeroCondition)
	}
}

// Lock locks the Condition's lock.
func (c *Condition) Lock() { c.valid(); c.lock.Lock() }

// Unlock unlocks the Condition's lock.
func (c *Condition) Unlock() { c.valid(); c.lock.Unlock() }

// GetLock returns the Condition's lock.
func (c *Condition) GetLock() *Lock { c.valid(); return c.lock }

// Wait unlocks the Condition's lock, sleeps until a Notify or NotifyAll
// reaches this waiter, and locks it again before returning. The calling
// process must hold the lock: Wait panics otherwise.
func (c *Condition) Wait() { c.WaitTimeout(-1) }

// WaitTimeout is Wait giving up after d (a negative d waits as long as
// needed). It reports whether it was notified rather than timed out; it
// holds the lock again in both cases.
func (c *Condition) WaitTimeout(d time.Duration) bool {
	c.valid()
	if c.lock.Owner() != os.Getpid() {
		panic(errors.New("mp: Condition.Wait without holding its lock: call c.Lock() first and c.Unlock() after"))
	}
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	atomic.AddUint32(c.waiting, 1)
	c.lock.Unlock()
	notified := false
	for {
		s := atomic.LoadUint32(c.seq)
		if t := atomic.LoadUint32(c.tokens); t > 0 {
			if atomic.CompareAndSwapUint32(c.tokens, t, t-1) {
				notified = true
				break
			}
			continue
		}
		wait := time.Duration(-1)
		if d >= 0 {
			if wait = time.Until(deadline); wait <= 0 {
				break
			}
		}
		shm.Wait(c.seq, s, wait)
	}
	c.lock.Lock()
	if !notified {
		// Timed out. Notify, which runs under the lock, may have moved
		// this waiter to the notified ones meanwhile: take its token.
		if t := atomic.LoadUint32(c.tokens); t > 0 && atomic.CompareAndSwapUint32(c.tokens, t, t-1) {
			return true
		}
		atomic.AddUint32(c.waiting, ^uint32(0))
	}
	return notified
}

// WaitFor waits until cond returns true, calling it with the lock held
// (first before waiting), for at most d (a negative d waits as long as
// needed). It returns cond's last result. The caller must hold the lock.
func (c *Condition) WaitFor(cond func() bool, d time.Duration) bool {
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	for !cond() {
		wait := time.Duration(-1)
		if d >= 0 {
			if wait = time.Until(deadline); wait <= 0 {
				return cond()
			}
		}
		c.WaitTimeout(wait)
	}
	return true
}

// Notify wakes one waiter, if any. The caller must hold the lock.
func (c *Condition) Notify() { c.NotifyN(1) }

// NotifyAll wakes every waiter. The caller must hold the lock.
func (c *Condition) NotifyAll() { c.NotifyN(math.MaxInt32) }

// NotifyN wakes up to n waiters. The caller must hold the lock: NotifyN
// panics otherwise.
func (c *Condition) NotifyN(n int) {
	c.valid()
	if c.lock.Owner() != os.Getpid() {
		panic(errors.New("mp: Condition.Notify without holding its lock: call c.Lock() first and c.Unlock() after"))
	}
	w := atomic.LoadUint32(c.waiting)
	k := uint32(min(n, int(w)))
	if k == 0 {
		return
	}
	atomic.AddUint32(c.waiting, -k)
	atomic.AddUint32(c.tokens, k)
	atomic.AddUint32(c.seq, 1)
	shm.Wake(c.seq, int(k))
}

// String describes c, for instance "Condition(2 waiting)".
func (c *Condition) String() string {
	if c == nil || c.seq == nil {
		return "Condition(invalid)"
	}
	return fmt.Sprintf("Condition(%d waiting)", atomic.LoadUint32(c.waiting))
}

const kindCondition = "mp.Condition"

func init() {
	registerKind(kindCondition, func(files []*os.File, meta []byte) (any, error) {
		if len(files) != 2 || len(meta) != 8 {
			return nil, errors.New("mp: open shared Condition: bad description")
		}
		lk, err := openLock(files[1:], meta)
		if err != nil {
			files[0].Close()
			return nil, err
		}
		seg, err := openOne(files[:1], "Condition")
		if err != nil {
			return nil, err
		}
		return conditionAt(seg, lk.(*Lock)), nil
	})
}

func (c *Condition) share() (string, []*os.File, []byte, error) {
	if c == nil || c.seq == nil {
		return "", nil, nil, errZeroCondition
	}
	_, lf, meta, err := c.lock.share()
	if err != nil {
		return "", nil, nil, err
	}
	return kindCondition, append([]*os.File{c.seg.File()}, lf...), meta, nil
}
