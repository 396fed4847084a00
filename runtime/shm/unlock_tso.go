//go:build (amd64 || 386) && !race

package shm

import "sync/atomic"

// UnlockFast unlocks m if this process holds it, waking a waiter if one
// sleeps, and reports whether it did. Callers fall back to [Mutex.Unlock]
// when it fails, which unlocks m for another process or reports that m is
// not locked.
//
// Unlike the rest of Mutex it does not use a read-modify-write
// instruction: it releases the owner word with a store, then reads the
// waiters word. Two goroutines of the owner unlocking m at the same time (a
// bug: every Unlock matches one Lock) may then both succeed. On x86 the
// read of the waiters word may happen before the store is visible to
// other processors; a waiter that set the word and then read the owner word
// in those few nanoseconds sleeps without being woken: a waiter that sets
// the word therefore sleeps at most a millisecond before it looks again.
func (m *Mutex) UnlockFast() bool {
	if atomic.LoadUint32(&m.owner) != selfLock {
		return false
	}
	// On x86 an ordinary store is a release store: it is not reordered
	// with the critical section's earlier loads and stores, and the
	// compiler keeps program order between memory operations here.
	m.owner = 0
	return atomic.LoadUint32(&m.waiters) == 0 || m.wake()
}
