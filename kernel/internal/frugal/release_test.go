package frugal_test

import (
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/gopherlab/gopherlab/kernel/internal/frugal"
)

// TestReleaseEndsIdleThreads makes the runtime start threads (goroutines
// blocked in system calls at once), lets them go idle, and checks that
// Release ends them and runs the program on one processor until Resume,
// after which the runtime starts threads again.
func TestReleaseEndsIdleThreads(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts threads in /proc")
	}
	procs := runtime.GOMAXPROCS(0)
	base := frugal.Threads()
	blockInSyscalls(16)
	time.Sleep(20 * time.Millisecond) // until they are parked
	busy := frugal.Threads()
	if busy < base+8 {
		t.Fatalf("threads: %d before, %d after 16 blocking system calls at once; want at least 8 more", base, busy)
	}
	frugal.Release()
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Errorf("GOMAXPROCS %d after Release, want 1", n)
	}
	time.Sleep(20 * time.Millisecond) // ended threads take a moment to go
	after := frugal.Threads()
	t.Logf("threads: %d at start, %d after 16 blocking system calls, %d after Release", base, busy, after)
	// Release itself may leave the runtime's thread for starting threads
	// and the one it ran on.
	if after > base+2 {
		t.Errorf("%d threads after Release, want at most %d (%d at start)", after, base+2, base)
	}
	// The runtime starts threads again when it needs them.
	frugal.Resume()
	if n := runtime.GOMAXPROCS(0); n != procs {
		t.Errorf("GOMAXPROCS %d after Resume, want %d as before", n, procs)
	}
	blockInSyscalls(4)
	if n := frugal.Threads(); n <= after {
		t.Errorf("%d threads after 4 blocking system calls at once, want more than %d", n, after)
	}
	frugal.Release()
	frugal.Resume()
	frugal.Resume()
	if n := runtime.GOMAXPROCS(0); n != procs {
		t.Errorf("GOMAXPROCS %d after Release, Resume, Resume; want %d", n, procs)
	}
}

// blockInSyscalls has n goroutines sleep in a system call at the same
// time; each holds a thread.
func blockInSyscalls(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := syscall.NsecToTimespec(int64(50 * time.Millisecond))
			syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		}()
	}
	wg.Wait()
}

// TestReleasePausesPeriodicCollection checks that Release turns the
// collector's periodic run off, with a memory limit as the backstop, and
// that Resume gives the program its settings back.
func TestReleasePausesPeriodicCollection(t *testing.T) {
	gcPct := debug.SetGCPercent(150)
	limit := debug.SetMemoryLimit(1 << 40)
	defer func() {
		debug.SetGCPercent(gcPct)
		debug.SetMemoryLimit(limit)
	}()
	frugal.Release()
	frugal.Release() // a second Release keeps the settings of before the first
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent %d after Release, want -1 (off)", p)
	}
	l := debug.SetMemoryLimit(-1)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if l >= 1<<40 || l < int64(ms.HeapAlloc) {
		t.Errorf("memory limit %d after Release, want a backstop above the heap (%d) and below the limit before (%d)", l, ms.HeapAlloc, int64(1<<40))
	}
	// A program that allocates while released is still collected.
	before := ms.NumGC
	for range 200 {
		sink = make([]byte, 1<<20)
	}
	runtime.ReadMemStats(&ms)
	if ms.NumGC == before {
		t.Errorf("no collection while 200 MiB were allocated after Release (memory limit %d)", l)
	}
	frugal.Resume()
	if p := debug.SetGCPercent(150); p != 150 {
		t.Errorf("GC percent %d after Resume, want 150 as before Release", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 1<<40 {
		t.Errorf("memory limit %d after Resume, want %d as before Release", l, int64(1<<40))
	}
}

var sink []byte
