package frugal

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// floorThreads is the number of threads no goroutine can end: the main
// thread (the runtime parks it for good rather than end it, so Release
// never ends a goroutine on it), the runtime's monitor (sysmon) and its
// template thread, which starts threads for locked goroutines (the first
// runtime.LockOSThread starts it, Release's included). A program that
// receives signals (os/signal) keeps one more, waiting for them; the
// runtime's netpoller and timers need no thread of their own, so an idle
// program's goroutines then run on the main thread.
const floorThreads = 3

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
// one per thread beyond [floorThreads]; with one processor the runtime runs
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
	// Start the template thread now, so that the counts below include it.
	runtime.LockOSThread()
	runtime.UnlockOSThread()
	// Not every parked thread takes one of the goroutines at once (one may
	// be looking for work, or still on its way back from a system call):
	// try again, a few times without progress at most.
	for misses := 0; misses < 3; {
		before := Threads()
		if before <= floorThreads {
			break
		}
		// All but the runtime's monitor and template thread: a
		// goroutine that lands on the main thread, or on a thread started
		// for it because none was free, costs nothing.
		endThreads(before - 2)
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
	// The caller goes on on a thread of its own, which then waits for
	// network events while the main thread stays idle beside it: once the
	// caller is done, end that thread too (the goroutine of a timer runs
	// on the thread waiting for events).
	time.AfterFunc(lastThreadDelay, func() {
		runtime.LockOSThread()
		if onMainThread() {
			runtime.UnlockOSThread()
		}
	})
}

// lastThreadDelay is how long after Release the thread its caller ran on
// is ended (see Release).
const lastThreadDelay = 100 * time.Millisecond

// endThreads ends up to n threads, the one the caller runs on included.
// A goroutine that locks its thread and returns ends it: a coordinator
// does, after n-1 others it starts have each taken a thread of their own
// (each locked and waiting, so that the next one lands elsewhere) and
// ended it. The caller waits on a channel, so that the thread it ran on
// is free to be taken too. A goroutine that lands on the main thread
// leaves it running, and goes first: the runtime hands the processor from
// one locked thread to the next through an idle thread, and starts one
// for that (which then stays) when the main thread is not idle.
func endThreads(n int) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if onMainThread() {
			// Not locked there: the main thread is the idle thread the
			// runtime hands the processor through.
			runtime.UnlockOSThread()
		}
		type ender struct {
			release chan struct{}
			main    bool
		}
		landed := make(chan ender, n)
		for range n - 1 {
			go func() {
				runtime.LockOSThread()
				e := ender{make(chan struct{}), onMainThread()}
				landed <- e
				<-e.release
				if e.main {
					runtime.UnlockOSThread()
				}
				// Returning while locked ends the thread.
			}()
		}
		var others []ender
		for range n - 1 {
			if e := <-landed; e.main {
				close(e.release)
				runtime.Gosched()
			} else {
				others = append(others, e)
			}
		}
		// One at a time, so that the runtime does not start a thread to
		// run the others while one ends.
		for _, e := range others {
			close(e.release)
			runtime.Gosched()
		}
		close(done)
	}()
	<-done
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
