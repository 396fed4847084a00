package mp_test

import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// waitForGo waits for the start signal, then reports it started.
func waitForGo(start, started *mp.Event) {
	start.Wait()
	started.Set()
}

func ExampleNewEvent() {
	start, started := mp.NewEvent(), mp.NewEvent()
	p := mp.NewProcess(waitForGo, start, started)
	p.Start()
	fmt.Println("started before the signal:", started.WaitTimeout(20*time.Millisecond))
	start.Set()
	started.Wait()
	fmt.Println("started after the signal:", started.IsSet())
	p.Join()
	// Output:
	// started before the signal: false
	// started after the signal: true
}

// limited records the most processes it saw inside at once.
func limited(sem *mp.Semaphore, inside, most *mp.Value) {
	sem.Acquire()
	defer sem.Release()
	n := inside.Add(1)
	for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
	}
	time.Sleep(5 * time.Millisecond)
	inside.Add(-1)
}

func ExampleNewSemaphore() {
	sem := mp.NewSemaphore(2)
	inside, most := mp.NewRawValue("i", 0), mp.NewRawValue("i", 0)
	var ps []*mp.Process
	for i := 0; i < 4; i++ {
		p := mp.NewProcess(limited, sem, inside, most)
		p.Start()
		ps = append(ps, p)
	}
	for _, p := range ps {
		p.Join()
	}
	fmt.Println("never more than 2 inside:", most.Load() <= 2, sem)
	// Output: never more than 2 inside: true Semaphore(count=2)
}

func ExampleNewBoundedSemaphore() {
	sem := mp.NewBoundedSemaphore(1)
	sem.Acquire()
	sem.Release()
	defer func() { fmt.Println(recover()) }()
	sem.Release()
	// Output: mp: BoundedSemaphore released too many times: call Release once per Acquire
}

// takeItem waits until the item is ready, then takes it.
func takeItem(cond *mp.Condition, item *mp.Value) {
	cond.Lock()
	defer cond.Unlock()
	cond.WaitFor(func() bool { return item.Load() != 0 }, -1)
	item.Store(-item.Load())
	cond.NotifyAll()
}

func ExampleNewCondition() {
	cond := mp.NewCondition(nil)
	item := mp.NewRawValue("i", 0)
	p := mp.NewProcess(takeItem, cond, item)
	p.Start()
	cond.Lock()
	item.Store(42)
	cond.NotifyAll()
	cond.WaitFor(func() bool { return item.Load() < 0 }, -1)
	cond.Unlock()
	p.Join()
	fmt.Println(item.Load())
	// Output: -42
}

// meet waits at the barrier twice.
func meet(b *mp.Barrier, arrived *mp.Value) {
	arrived.Add(1)
	b.Wait()
	b.Wait()
}

func ExampleNewBarrier() {
	b := mp.NewBarrier(3)
	arrived := mp.NewRawValue("i", 0)
	p1 := mp.NewProcess(meet, b, arrived)
	p2 := mp.NewProcess(meet, b, arrived)
	p1.Start()
	p2.Start()
	b.Wait() // returns once both children arrived
	fmt.Println("arrived:", arrived.Load())
	b.Wait()
	p1.Join()
	p2.Join()
	fmt.Println(b)
	// Output:
	// arrived: 2
	// Barrier(0/3 waiting)
}
