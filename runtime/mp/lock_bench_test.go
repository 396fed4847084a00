package mp

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func init() {
	// bench-incr increments v under its lock until stop is set, counting
	// its increments in done.
	helpers["bench-incr"] = func(objs []any, args []string) int {
		v, ctl := objs[0].(*Value), objs[1].(*Array)
		lock := v.GetLock()
		ctl.Store(0, 1) // ready
		n := 0
		for ctl.Load(1) == 0 {
			lock.Lock()
			v.Store(v.Load() + 1)
			lock.Unlock()
			n++
		}
		ctl.Store(2, n)
		return 0
	}
}

// BenchmarkLockUnlock measures an uncontended Lock and Unlock pair, like
// Python's lock.acquire(); lock.release().
func BenchmarkLockUnlock(b *testing.B) {
	lock := NewLock()
	for b.Loop() {
		lock.Lock()
		lock.Unlock()
	}
}

// BenchmarkValueAddLocked2Proc measures two processes (this one and a
// helper) incrementing a Value under its lock, as Python's
// `with v.get_lock(): v.value += 1`. ops/s counts the increments of both.
func BenchmarkValueAddLocked2Proc(b *testing.B) {
	v := NewValue("q", 0)
	ctl := NewRawArray("q", 3) // ready, stop, child's count
	child := startHelper(b, "bench-incr", nil, v, ctl)
	for ctl.Load(0) == 0 {
		runtime.Gosched()
	}
	lock := v.GetLock()
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		lock.Lock()
		v.Store(v.Load() + 1)
		lock.Unlock()
	}
	b.StopTimer()
	ctl.Store(1, 1)
	if err := child.Wait(); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	total := b.N + ctl.Load(2)
	if v.Load() != total {
		b.Fatalf("Value = %d, want %d increments", v.Load(), total)
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "ops/s")
}

// BenchmarkSyncMutexLockUnlock is the in-process reference for
// BenchmarkLockUnlock, to read figures taken on a busy machine.
func BenchmarkSyncMutexLockUnlock(b *testing.B) {
	var mu sync.Mutex
	for b.Loop() {
		mu.Lock()
		mu.Unlock()
	}
}
