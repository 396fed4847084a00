package mp

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
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
// Notify wakes the longest-waiting waiters, and only waiters that were
// waiting when it was called. Still, as with sync.Cond, the state may have
// changed again by the time a woken waiter holds the lock: wait in a loop,
// or use [Condition.WaitFor]. At most 65,532 processes and goroutines
// can wait at once.
type Condition struct {
	seg  *shm.Segment
	lock *Lock
}

// Condition segment layout: the next ticket, the number of waiters, the
// number of slots ever used, and waiter slots of condSlotSize bytes: state
// (the futex word a waiter sleeps on), ticket (arrival order) and the
// waiter's process identity. Slots are taken, notified and freed with the
// lock held. The segment is large, but only the pages of slots in use are
// ever touched, and so allocated.
const (
	condTicket      = 0
	condWaiting     = 4
	condUsed        = 8
	condSlots       = 64
	condSlotSize    = 16
	condSegmentSize = 1 << 20
	condMaxSlots    = (condSegmentSize - condSlots) / condSlotSize

	slotFree     = 0
	slotWaiting  = 1
	slotNotified = 2
)

var errZeroCondition = errors.New("mp: use of a Condition not made by mp.NewCondition")

// NewCondition returns a Condition using lock, or a new [Lock] when lock
// is nil (Python's default is a reentrant lock; here it is a plain Lock).
func NewCondition(lock *Lock) *Condition {
	if lock == nil {
		lock = NewLock()
	} else if lock.m == nil {
		panic(errZeroLock)
	}
	return &Condition{seg: mustSegment(condSegmentSize), lock: lock}
}

func (c *Condition) valid() {
	if c == nil || c.seg == nil {
		panic(errZeroCondition)
	}
}

func (c *Condition) u32(off int) *uint32 { return c.seg.Uint32(off) }

func (c *Condition) holding(what string) {
	if c.lock.Owner() != shm.Pid(shm.Self()) {
		panic(fmt.Errorf("mp: Condition.%s without holding its lock: call c.Lock() first and c.Unlock() after", what))
	}
}

// Lock locks the Condition's lock.
func (c *Condition) Lock() { c.valid(); c.lock.Lock() }

// Unlock unlocks the Condition's lock.
func (c *Condition) Unlock() { c.valid(); c.lock.Unlock() }

// GetLock returns the Condition's lock.
func (c *Condition) GetLock() *Lock { c.valid(); return c.lock }

// Wait unlocks the Condition's lock, sleeps until a Notify or NotifyAll
// picks this waiter, and locks it again before returning. The calling
// process must hold the lock: Wait panics otherwise.
func (c *Condition) Wait() { c.WaitTimeout(-1) }

// WaitTimeout is Wait giving up after d (a negative d waits as long as
// needed). It reports whether it was notified rather than timed out; it
// holds the lock again in both cases.
func (c *Condition) WaitTimeout(d time.Duration) bool {
	c.valid()
	c.holding("Wait")
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	slot := -1
	used := int(atomic.LoadUint32(c.u32(condUsed)))
	for i := range used {
		if atomic.LoadUint32(c.u32(condSlots+i*condSlotSize)) == slotFree {
			slot = condSlots + i*condSlotSize
			break
		}
	}
	if slot < 0 {
		if used >= condMaxSlots {
			panic(fmt.Errorf("mp: more than %d waiters on one Condition", condMaxSlots))
		}
		slot = condSlots + used*condSlotSize
		atomic.StoreUint32(c.u32(condUsed), uint32(used+1))
	}
	state := c.u32(slot)
	atomic.StoreUint32(c.u32(slot+4), atomic.AddUint32(c.u32(condTicket), 1))
	atomic.StoreUint64(c.seg.Uint64(slot+8), shm.Self())
	atomic.StoreUint32(state, slotWaiting)
	atomic.AddUint32(c.u32(condWaiting), 1)
	c.lock.Unlock()
	for atomic.LoadUint32(state) == slotWaiting {
		wait := time.Duration(-1)
		if d >= 0 {
			if wait = time.Until(deadline); wait <= 0 {
				break
			}
		}
		shm.Wait(state, slotWaiting, wait)
	}
	c.lock.Lock()
	// With the lock held, Notify cannot pick this slot any more.
	notified := atomic.LoadUint32(state) == slotNotified
	if !notified {
		atomic.AddUint32(c.u32(condWaiting), ^uint32(0))
	}
	atomic.StoreUint32(state, slotFree)
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

// Notify wakes the longest-waiting waiter, if any. The caller must hold
// the lock.
func (c *Condition) Notify() { c.NotifyN(1) }

// NotifyAll wakes every waiter. The caller must hold the lock.
func (c *Condition) NotifyAll() { c.NotifyN(math.MaxInt32) }

// NotifyN wakes the n longest-waiting waiters (all of them if fewer).
// Waiters in processes that died are skipped. The caller must hold the
// lock: NotifyN panics otherwise.
func (c *Condition) NotifyN(n int) {
	c.valid()
	c.holding("Notify")
	type waiter struct {
		slot   int
		ticket uint32
	}
	var ws []waiter
	// Tickets wrap around: order them relative to the next ticket, so
	// that the oldest comes first.
	next := atomic.LoadUint32(c.u32(condTicket)) + 1
	for i := range int(atomic.LoadUint32(c.u32(condUsed))) {
		slot := condSlots + i*condSlotSize
		if atomic.LoadUint32(c.u32(slot)) != slotWaiting {
			continue
		}
		if !shm.Alive(atomic.LoadUint64(c.seg.Uint64(slot + 8))) {
			atomic.StoreUint32(c.u32(slot), slotFree)
			atomic.AddUint32(c.u32(condWaiting), ^uint32(0))
			continue
		}
		ws = append(ws, waiter{slot, atomic.LoadUint32(c.u32(slot+4)) - next})
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].ticket < ws[j].ticket })
	for _, w := range ws[:min(n, len(ws))] {
		atomic.StoreUint32(c.u32(w.slot), slotNotified)
		atomic.AddUint32(c.u32(condWaiting), ^uint32(0))
		shm.Wake(c.u32(w.slot), 1)
	}
}

// String describes c, for instance "Condition(2 waiting)".
func (c *Condition) String() string {
	if c == nil || c.seg == nil {
		return "Condition(invalid)"
	}
	return fmt.Sprintf("Condition(%d waiting)", atomic.LoadUint32(c.u32(condWaiting)))
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
		if seg.Len() < condSegmentSize {
			seg.Close()
			return nil, errors.New("mp: open shared Condition: memory too small")
		}
		return &Condition{seg: seg, lock: lk.(*Lock)}, nil
	})
}

func (c *Condition) share() (string, []*os.File, []byte, error) {
	if c == nil || c.seg == nil {
		return "", nil, nil, errZeroCondition
	}
	_, lf, meta, err := c.lock.share()
	if err != nil {
		return "", nil, nil, err
	}
	return kindCondition, append([]*os.File{c.seg.File()}, lf...), meta, nil
}
