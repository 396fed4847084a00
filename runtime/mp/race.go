//go:build race

package mp

import "sync/atomic"

const raceEnabled = true

// raceSync tells the race detector about the ordering a shared-memory lock
// gives: it does not see atomics on memory outside the Go heap.
type raceSync struct{ n atomic.Uint64 }

func (r *raceSync) release() { r.n.Add(1) }
func (r *raceSync) acquire() { r.n.Load() }
