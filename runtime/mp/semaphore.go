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

// sem is the shared state of Semaphore and BoundedSemaphore: the count
// (the futex word), the number of sleepers and the bound (0: none).
type sem struct {
	seg     *shm.Segment
	count   *uint32
	waiters *uint32
	bound   *uint32
	race    *raceSync
}

func newSem(value, bound int, what string) sem {
	if value < 0 || value > math.MaxInt32 {
		panic(fmt.Errorf("mp: %s value %d: must be between 0 and %d", what, value, math.MaxInt32))
	}
	seg := mustSegment(lockSegmentSize)
	s := semAt(seg)
	*s.count = uint32(value)
	*s.bound = uint32(bound)
	return s
}

func semAt(seg *shm.Segment) sem {
	return sem{seg: seg, count: seg.Uint32(0), waiters: seg.Uint32(4), bound: seg.Uint32(8), race: new(raceSync)}
}

func (s *sem) acquire(d time.Duration) bool {
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	for {
		c := atomic.LoadUint32(s.count)
		if c > 0 {
			if atomic.CompareAndSwapUint32(s.count, c, c-1) {
				if raceEnabled {
					s.race.acquire()
				}
				return true
			}
			continue
		}
		wait := time.Duration(-1)
		if d == 0 {
			return false
		}
		if d > 0 {
			wait = time.Until(deadline)
			if wait <= 0 {
				return false
			}
		}
		atomic.AddUint32(s.waiters, 1)
		shm.Wait(s.count, 0, wait)
		atomic.AddUint32(s.waiters, ^uint32(0))
	}
}

func (s *sem) release(what string) {
	if raceEnabled {
		s.race.release()
	}
	for {
		c := atomic.LoadUint32(s.count)
		if b := atomic.LoadUint32(s.bound); (b != 0 && c >= b) || c == math.MaxInt32 {
			panic(fmt.Errorf("mp: %s released too many times: call Release once per Acquire", what))
		}
		if atomic.CompareAndSwapUint32(s.count, c, c+1) {
			break
		}
	}
	if atomic.LoadUint32(s.waiters) > 0 {
		shm.Wake(s.count, 1)
	}
}

// A Semaphore is a counter shared by processes, like Python's
// multiprocessing.Semaphore: Acquire waits until the count is above zero
// and decrements it, Release increments it. Use it to let at most n
// processes into a section at once. Create one with [NewSemaphore]; the
// zero value is not usable and a Semaphore must not be copied (pass the
// pointer). Pass it to a child process as an argument of [NewProcess] to
// share it; its methods are safe for concurrent use by goroutines and
// processes. A process that dies between Acquire and Release does not
// give its unit back.
type Semaphore struct{ s sem }

var errZeroSemaphore = errors.New("mp: use of a Semaphore not made by mp.NewSemaphore")

// NewSemaphore returns a Semaphore with count value (Python's default is
// 1). It panics if value is negative.
func NewSemaphore(value int) *Semaphore { return &Semaphore{newSem(value, 0, "Semaphore")} }

func (s *Semaphore) valid() {
	if s == nil || s.s.count == nil {
		panic(errZeroSemaphore)
	}
}

// Acquire waits until the count is above zero, then decrements it.
func (s *Semaphore) Acquire() { s.valid(); s.s.acquire(-1) }

// TryAcquire decrements the count if it is above zero, without waiting,
// and reports whether it did.
func (s *Semaphore) TryAcquire() bool { s.valid(); return s.s.acquire(0) }

// AcquireTimeout is Acquire waiting at most d; it reports whether it
// decremented the count.
func (s *Semaphore) AcquireTimeout(d time.Duration) bool { s.valid(); return s.s.acquire(d) }

// Release increments the count, waking one waiting Acquire.
func (s *Semaphore) Release() { s.valid(); s.s.release("Semaphore") }

// Count returns the current count (Python's get_value).
func (s *Semaphore) Count() int { s.valid(); return int(atomic.LoadUint32(s.s.count)) }

// String describes s, for instance "Semaphore(count=2)".
func (s *Semaphore) String() string {
	if s == nil || s.s.count == nil {
		return "Semaphore(invalid)"
	}
	return fmt.Sprintf("Semaphore(count=%d)", s.Count())
}

// A BoundedSemaphore is a [Semaphore] that may not be released above its
// initial value, like Python's multiprocessing.BoundedSemaphore: a Release
// without a matching Acquire panics instead of silently raising the
// limit. Create one with [NewBoundedSemaphore]; the zero value is not
// usable and a BoundedSemaphore must not be copied. It is shared like a
// Semaphore and safe for concurrent use by goroutines and processes.
type BoundedSemaphore struct{ s sem }

var errZeroBounded = errors.New("mp: use of a BoundedSemaphore not made by mp.NewBoundedSemaphore")

// NewBoundedSemaphore returns a BoundedSemaphore with count and bound
// value. It panics if value is not positive.
func NewBoundedSemaphore(value int) *BoundedSemaphore {
	if value <= 0 {
		panic(fmt.Errorf("mp: BoundedSemaphore value %d: must be positive", value))
	}
	return &BoundedSemaphore{newSem(value, value, "BoundedSemaphore")}
}

func (s *BoundedSemaphore) valid() {
	if s == nil || s.s.count == nil {
		panic(errZeroBounded)
	}
}

// Acquire waits until the count is above zero, then decrements it.
func (s *BoundedSemaphore) Acquire() { s.valid(); s.s.acquire(-1) }

// TryAcquire decrements the count if it is above zero, without waiting,
// and reports whether it did.
func (s *BoundedSemaphore) TryAcquire() bool { s.valid(); return s.s.acquire(0) }

// AcquireTimeout is Acquire waiting at most d; it reports whether it
// decremented the count.
func (s *BoundedSemaphore) AcquireTimeout(d time.Duration) bool {
	s.valid()
	return s.s.acquire(d)
}

// Release increments the count, waking one waiting Acquire. It panics if
// the count is already at its bound.
func (s *BoundedSemaphore) Release() { s.valid(); s.s.release("BoundedSemaphore") }

// Count returns the current count (Python's get_value).
func (s *BoundedSemaphore) Count() int { s.valid(); return int(atomic.LoadUint32(s.s.count)) }

// String describes s, for instance "BoundedSemaphore(count=2, bound=3)".
func (s *BoundedSemaphore) String() string {
	if s == nil || s.s.count == nil {
		return "BoundedSemaphore(invalid)"
	}
	return fmt.Sprintf("BoundedSemaphore(count=%d, bound=%d)", s.Count(), atomic.LoadUint32(s.s.bound))
}

const (
	kindSemaphore = "mp.Semaphore"
	kindBounded   = "mp.BoundedSemaphore"
)

func init() {
	registerKind(kindSemaphore, func(files []*os.File, meta []byte) (any, error) {
		seg, err := openOne(files, "Semaphore")
		if err != nil {
			return nil, err
		}
		return &Semaphore{semAt(seg)}, nil
	})
	registerKind(kindBounded, func(files []*os.File, meta []byte) (any, error) {
		seg, err := openOne(files, "BoundedSemaphore")
		if err != nil {
			return nil, err
		}
		return &BoundedSemaphore{semAt(seg)}, nil
	})
}

func (s *Semaphore) share() (string, []*os.File, []byte, error) {
	if s == nil || s.s.count == nil {
		return "", nil, nil, errZeroSemaphore
	}
	return kindSemaphore, []*os.File{s.s.seg.File()}, nil, nil
}

func (s *BoundedSemaphore) share() (string, []*os.File, []byte, error) {
	if s == nil || s.s.count == nil {
		return "", nil, nil, errZeroBounded
	}
	return kindBounded, []*os.File{s.s.seg.File()}, nil, nil
}
