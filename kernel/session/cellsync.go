package session

import (
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
)

// Cells get their own sync.Mutex and sync.WaitGroup: the same methods, but
// a goroutine blocked in Lock or Wait gives up when its cell is interrupted
// or found deadlocked, instead of staying blocked for ever in compiled
// code where the interpreter cannot stop it. Each session has its own
// types (instantiated with a slot type) so that the methods know which
// session's interrupt to watch; sessions beyond the number of slots keep
// the standard types.

// giveUp ends a goroutine blocked in a cell's Mutex or WaitGroup when the
// cell is stopped. It runs deferred calls and ends the goroutine with
// runtime.Goexit, not a panic: once stopped, the interpreter no longer runs
// the bodies of deferred functions, so a recover there would not happen.
func giveUp() { runtime.Goexit() }

// slotTag is a type that names a session slot.
type slotTag interface{ slot() int }

type (
	slot0 struct{}
	slot1 struct{}
	slot2 struct{}
	slot3 struct{}
	slot4 struct{}
	slot5 struct{}
	slot6 struct{}
	slot7 struct{}
)

func (slot0) slot() int { return 0 }
func (slot1) slot() int { return 1 }
func (slot2) slot() int { return 2 }
func (slot3) slot() int { return 3 }
func (slot4) slot() int { return 4 }
func (slot5) slot() int { return 5 }
func (slot6) slot() int { return 6 }
func (slot7) slot() int { return 7 }

// syncSymbols gives, per slot, the sync symbols of a session in it.
var syncSymbols = []func() map[string]reflect.Value{
	syncSyms[slot0], syncSyms[slot1], syncSyms[slot2], syncSyms[slot3],
	syncSyms[slot4], syncSyms[slot5], syncSyms[slot6], syncSyms[slot7],
}

// slotSessions holds the session in each slot.
var slotSessions [8]atomic.Pointer[Session]

func syncSyms[S slotTag]() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Mutex":     reflect.ValueOf((*cellMutex[S])(nil)),
		"WaitGroup": reflect.ValueOf((*cellWaitGroup[S])(nil)),
	}
}

// claimSlot gives s a slot and returns its sync symbols, or nil when all
// slots are taken.
func (s *Session) claimSlot() map[string]reflect.Value {
	for i := range slotSessions {
		if slotSessions[i].CompareAndSwap(nil, s) {
			s.slot = i
			return syncSymbols[i]()
		}
	}
	s.slot = -1
	return nil
}

// releaseSlot frees the slot of s.
func (s *Session) releaseSlot() {
	if s.slot >= 0 {
		slotSessions[s.slot].CompareAndSwap(s, nil)
	}
}

// stopChan returns the channel closed when the running cell of the session
// in slot S is stopped, or nil.
func stopChan[S slotTag]() <-chan struct{} {
	var tag S
	if s := slotSessions[tag.slot()].Load(); s != nil {
		return s.interrupted()
	}
	return nil
}

// cellMutex is sync.Mutex for cells. The zero value is an unlocked mutex.
type cellMutex[S slotTag] struct {
	once sync.Once
	ch   chan struct{}
}

func (m *cellMutex[S]) init() { m.once.Do(func() { m.ch = make(chan struct{}, 1) }) }

// Lock locks m, waiting while it is locked.
func (m *cellMutex[S]) Lock() {
	m.init()
	select {
	case m.ch <- struct{}{}:
		return
	default:
	}
	select {
	case m.ch <- struct{}{}:
	case <-stopChan[S]():
		giveUp()
	}
}

// TryLock locks m if it is unlocked and reports whether it did.
func (m *cellMutex[S]) TryLock() bool {
	m.init()
	select {
	case m.ch <- struct{}{}:
		return true
	default:
		return false
	}
}

// Unlock unlocks m; unlocking an unlocked mutex panics.
func (m *cellMutex[S]) Unlock() {
	m.init()
	select {
	case <-m.ch:
	default:
		panic("sync: unlock of unlocked mutex")
	}
}

// cellWaitGroup is sync.WaitGroup for cells. The zero value has a counter
// of zero.
type cellWaitGroup[S slotTag] struct {
	mu   sync.Mutex
	n    int
	done chan struct{} // closed when n drops to zero
}

// Add adds delta to the counter; at zero, Wait returns.
func (wg *cellWaitGroup[S]) Add(delta int) {
	wg.mu.Lock()
	defer wg.mu.Unlock()
	if wg.n == 0 && delta > 0 {
		wg.done = make(chan struct{})
	}
	wg.n += delta
	if wg.n < 0 {
		wg.n = 0
		panic("sync: negative WaitGroup counter")
	}
	if wg.n == 0 && wg.done != nil {
		close(wg.done)
		wg.done = nil
	}
}

// Done decrements the counter by one.
func (wg *cellWaitGroup[S]) Done() { wg.Add(-1) }

// Wait waits for the counter to be zero.
func (wg *cellWaitGroup[S]) Wait() {
	wg.mu.Lock()
	ch := wg.done
	wg.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case <-ch:
	case <-stopChan[S]():
		giveUp()
	}
}

// Go calls f in a new goroutine counted by wg (Go 1.25).
func (wg *cellWaitGroup[S]) Go(f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		var tag S
		if s := slotSessions[tag.slot()].Load(); s != nil {
			defer s.recoverCallback("sync.WaitGroup.Go")
		}
		f()
	}()
}
