package mp

import (
	"errors"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// An Event is a flag shared by processes, like Python's
// multiprocessing.Event: Wait blocks until some process calls Set. Create
// one with [NewEvent] (it starts cleared); the zero value is not usable
// and an Event must not be copied (pass the pointer). Pass it to a child
// process as an argument of [NewProcess] to share it; its methods are safe
// for concurrent use by goroutines and processes.
type Event struct {
	seg  *shm.Segment
	flag *uint32
	race raceSync
}

var errZeroEvent = errors.New("mp: use of an Event not made by mp.NewEvent")

// NewEvent returns a new, cleared Event in shared memory.
func NewEvent() *Event { return eventAt(mustSegment(lockSegmentSize)) }

func eventAt(seg *shm.Segment) *Event { return &Event{seg: seg, flag: seg.Uint32(0)} }

func (e *Event) valid() {
	if e == nil || e.flag == nil {
		panic(errZeroEvent)
	}
}

// Set sets the flag and wakes every process and goroutine waiting for it.
func (e *Event) Set() {
	e.valid()
	if raceEnabled {
		e.race.release()
	}
	if atomic.SwapUint32(e.flag, 1) == 0 {
		shm.Wake(e.flag, math.MaxInt32)
	}
}

// Clear resets the flag; later Waits block until the next Set.
func (e *Event) Clear() {
	e.valid()
	atomic.StoreUint32(e.flag, 0)
}

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool {
	e.valid()
	return atomic.LoadUint32(e.flag) == 1
}

// Wait blocks until the flag is set; it returns at once if it already is.
func (e *Event) Wait() { e.WaitTimeout(-1) }

// WaitTimeout is Wait giving up after d (a negative d waits as long as
// needed). It reports whether the flag is set, as Python's wait(timeout).
func (e *Event) WaitTimeout(d time.Duration) bool {
	e.valid()
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	for atomic.LoadUint32(e.flag) == 0 {
		wait := time.Duration(-1)
		if d >= 0 {
			if wait = time.Until(deadline); wait <= 0 {
				return false
			}
		}
		shm.Wait(e.flag, 0, wait)
	}
	if raceEnabled {
		e.race.acquire()
	}
	return true
}

// String describes e: "Event(set)" or "Event(clear)".
func (e *Event) String() string {
	if e == nil || e.flag == nil {
		return "Event(invalid)"
	}
	if e.IsSet() {
		return "Event(set)"
	}
	return "Event(clear)"
}

const kindEvent = "mp.Event"

func init() {
	registerKind(kindEvent, func(files []*os.File, meta []byte) (any, error) {
		seg, err := openOne(files, "Event")
		if err != nil {
			return nil, err
		}
		return eventAt(seg), nil
	})
}

func (e *Event) share() (string, []*os.File, []byte, error) {
	if e == nil || e.flag == nil {
		return "", nil, nil, errZeroEvent
	}
	return kindEvent, []*os.File{e.seg.File()}, nil, nil
}
