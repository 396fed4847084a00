package mp_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// addUnderLock adds to the shared total n times, holding the lock for each
// read-modify-write.
func addUnderLock(total *mp.Value, lock *mp.Lock, n int) {
	for i := 0; i < n; i++ {
		lock.Lock()
		total.Store(total.Load() + 1)
		lock.Unlock()
	}
}

func ExampleNewLock() {
	lock := mp.NewLock()
	total := mp.NewRawValue("i", 0)
	p1 := mp.NewProcess(addUnderLock, total, lock, 1000)
	p2 := mp.NewProcess(addUnderLock, total, lock, 1000)
	p1.Start()
	p2.Start()
	p1.Join()
	p2.Join()
	fmt.Println(total.Load())
	// Output: 2000
}

// holdForever locks the lock and never unlocks it.
func holdForever(lock *mp.Lock) {
	lock.Lock()
	time.Sleep(time.Hour)
}

// A process killed while holding a Lock does not block the others: the
// next Lock takes it over and OwnerDied tells so.
func ExampleLock_OwnerDied() {
	lock := mp.NewLock()
	p := mp.NewProcess(holdForever, lock)
	p.Start()
	for lock.Owner() != p.Pid() {
		time.Sleep(time.Millisecond)
	}
	p.Kill()
	lock.Lock()
	fmt.Println("got the lock; previous owner died:", lock.OwnerDied())
	lock.Unlock()
	p.Join()
	fmt.Println("exit code", p.ExitCode())
	// Output:
	// got the lock; previous owner died: true
	// exit code -9
}

func ExampleLock_TryLock() {
	lock := mp.NewLock()
	fmt.Println(lock.TryLock(), lock.TryLock(), lock.LockTimeout(10*time.Millisecond))
	lock.Unlock()
	fmt.Println(lock)
	// Output:
	// true false false
	// Lock(unlocked)
}

// holdBriefly holds the lock three times.
func holdBriefly(lock *mp.Lock) {
	for i := 0; i < 3; i++ {
		lock.Lock()
		time.Sleep(time.Millisecond)
		lock.Unlock()
	}
}

// A traced lock records who held it when, in every process; a notebook
// cell ending in lock.Timeline() draws the picture (Timeline.SVG).
func ExampleNewTracedLock() {
	lock := mp.NewTracedLock()
	p := mp.NewProcess(holdBriefly, lock)
	p.SetName("worker")
	p.Start()
	p.Join()
	holdBriefly(lock)
	tl := lock.Timeline()
	for _, s := range tl.Spans() {
		fmt.Println(s.Process, "held the lock")
	}
	fmt.Println(strings.HasPrefix(tl.SVG(), "<svg"))
	// Output:
	// worker held the lock
	// worker held the lock
	// worker held the lock
	// MainProcess held the lock
	// MainProcess held the lock
	// MainProcess held the lock
	// true
}

// incrementTwice takes the RLock twice, as a function that calls another
// function using the same lock would.
func incrementTwice(lock *mp.RLock, v *mp.Value) {
	lock.Lock()
	defer lock.Unlock()
	lock.Lock()
	defer lock.Unlock()
	v.Store(v.Load() + 2)
}

func ExampleNewRLock() {
	lock := mp.NewRLock()
	v := mp.NewRawValue("i", 0)
	p := mp.NewProcess(incrementTwice, lock, v)
	p.Start()
	p.Join()
	incrementTwice(lock, v)
	fmt.Println(v.Load(), lock)
	// Output: 4 RLock(unlocked)
}

// A Timeline is plain data: Lock.Timeline fills it from the events a traced
// lock recorded; Spans pairs acquisitions with releases.
func ExampleTimeline() {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	tl := &mp.Timeline{Events: []mp.LockEvent{
		{Time: at(0), Pid: 100, Process: "Process-1", Kind: mp.LockAcquired},
		{Time: at(100), Pid: 101, Process: "Process-2", Kind: mp.LockWaiting},
		{Time: at(500), Pid: 100, Process: "Process-1", Kind: mp.LockReleased},
		{Time: at(501), Pid: 101, Process: "Process-2", Kind: mp.LockAcquired},
		{Time: at(900), Pid: 101, Process: "Process-2", Kind: mp.LockReleased},
	}}
	fmt.Print(tl)
	for _, w := range tl.Waits() {
		fmt.Println(w.Process, "waited", w.End.Sub(w.Start))
	}
	fmt.Println(len(tl.Spans()), strings.Count(tl.SVG(), "<title>"))
	// Output:
	// Process-1 (pid 100) held 0.0 ms .. 500.0 ms
	// Process-2 (pid 101) held 501.0 ms .. 900.0 ms
	// Process-2 waited 401ms
	// 2 3
}

// SetLanguage chooses the words of the pictures and views mp draws.
func ExampleSetLanguage() {
	defer mp.SetLanguage("en")
	v := mp.NewView("lock", mp.NewLock())
	fmt.Print(v)
	mp.SetLanguage("zh")
	fmt.Print(v)
	// Output:
	// Processes and shared objects
	// no processes yet
	// lock Lock: free
	// 进程与共享对象
	// 还没有进程
	// lock Lock: 空闲
}
