package frugal

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// minThreads is about the number of threads an idle Go program needs: the
// one that runs it, the runtime's monitor, one waiting for network events
// and the one that starts threads for locked goroutines.
const minThreads = 4

var state struct {
	mu       sync.Mutex
	procs    int   // GOMAXPROCS before Release, 0 when not released
	gcPct    int   // the GC percent before Release
	memLimit int64 // the memory limit before Release
}

// idleHeadroom is how much more memory than it holds at Release an idle
// program may take before the collector runs again.
const idleHeadroom = 64 << 20

// Release ends the Go runtime's idle threads, returns freed heap memory to
// the operating system and runs the program on one processor
// (GOMAXPROCS=1) until [Resume], so that the occasional work of an idle
// program (a heartbeat, a timer) does not start threads to run in
// parallel. It is safe for concurrent use, and takes up to a few tens of
// milliseconds.
//
// Do not call it while a child process started with
// syscall.SysProcAttr.Pdeathsig runs (runtime/mp's children are): Linux
// sends the signal when the thread that started the child ends, and
// Release may end that thread.
//
// Release also turns the collector's periodic run off until Resume, with
// a memory limit of what the program holds plus 64 MiB as the backstop:
// the runtime forces a collection every two minutes, and with one
// processor and no spare thread it starts a thread to run it, which then
// stays parked (an idle kernel went from 5 threads back to 6 two minutes
// after each release).
//
// A goroutine that locks its thread (runtime.LockOSThread) and returns
// without unlocking it ends that thread. Release starts such goroutines,
// one per thread beyond [minThreads]; with one processor the runtime runs
// each on a parked thread instead of starting new ones to run them.
func Release() {
	state.mu.Lock()
	defer state.mu.Unlock()
	procs := runtime.GOMAXPROCS(1)
	first := state.procs == 0
	if first {
		state.procs = procs
	}
	debug.FreeOSMemory()
	if first {
		state.gcPct = debug.SetGCPercent(-1)
		state.memLimit = debug.SetMemoryLimit(held() + idleHeadroom)
	}
	// Not every parked thread takes one of the goroutines at once (one may
	// be looking for work, or still on its way back from a system call):
	// try again, a few times without progress at most.
	for misses := 0; misses < 3; {
		before := Threads()
		if before <= minThreads {
			break
		}
		endThreads(before - minThreads)
		// An ended thread leaves /proc a moment later.
		for range 10 {
			time.Sleep(5 * time.Millisecond)
			if Threads() < before {
				break
			}
		}
		if Threads() >= before {
			misses++
		}
	}
}

// Resume undoes the GOMAXPROCS=1 of [Release], for a program that has work
// again. It does nothing unless Release was called since the last Resume.
func Resume() {
	state.mu.Lock()
	defer state.mu.Unlock()
	if state.procs != 0 {
		debug.SetMemoryLimit(state.memLimit)
		debug.SetGCPercent(state.gcPct)
		runtime.GOMAXPROCS(state.procs)
		state.procs = 0
	}
}

// held returns the memory the Go runtime holds from the operating system
// and has not given back, as the memory limit counts it.
func held() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}

// endThreads starts n goroutines that each take a thread of their own and
// end it.
func endThreads(n int) {
	var locked sync.WaitGroup
	release := make([]chan struct{}, n)
	locked.Add(n)
	for i := range release {
		release[i] = make(chan struct{})
		go func(c chan struct{}) {
			runtime.LockOSThread()
			locked.Done()
			<-c
			// Returning while locked ends the thread.
		}(release[i])
	}
	locked.Wait()
	// One at a time, so that the runtime does not start a thread to run
	// the others while one ends.
	for _, c := range release {
		close(c)
		runtime.Gosched()
	}
}
