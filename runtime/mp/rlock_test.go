package mp

import (
	"sync"
	"testing"
	"time"
)

func init() {
	helpers["rlock-incr"] = func(objs []any, args []string) int {
		r, v := objs[0].(*RLock), objs[1].(*Value)
		for range atoi(args[0]) {
			r.Lock()
			r.Lock() // reentrant
			v.Store(v.Load() + 1)
			r.Unlock()
			r.Unlock()
		}
		return 0
	}
}

func TestRLockAcrossProcesses(t *testing.T) {
	checkNoLeaks(t)
	r := NewRLock()
	v := NewRawValue("i", 0)
	a := startHelper(t, "rlock-incr", []string{"500"}, r, v)
	b := startHelper(t, "rlock-incr", []string{"500"}, r, v)
	waitHelpers(t, a, b)
	if v.Load() != 1000 {
		t.Errorf("2 processes x 500 increments under an RLock = %d, want 1000", v.Load())
	}
}

func TestRLockGoroutines(t *testing.T) {
	r := NewRLock()
	r.Lock()
	r.Lock()
	if r.String() == "RLock(unlocked)" {
		t.Error("String says unlocked")
	}
	locked := make(chan bool)
	go func() { locked <- r.LockTimeout(20 * time.Millisecond) }()
	if <-locked {
		t.Fatal("another goroutine locked an RLock held by this one")
	}
	go func() {
		defer func() { locked <- recover() != nil }()
		r.Unlock()
	}()
	if !<-locked {
		t.Error("another goroutine unlocked an RLock it does not hold")
	}
	r.Unlock()
	if r.TryLock() != true {
		t.Error("TryLock by the holder failed")
	}
	r.Unlock()
	r.Unlock()
	if r.String() != "RLock(unlocked)" {
		t.Errorf("String = %q after all Unlocks", r)
	}
	n := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				r.Lock()
				n++
				r.Unlock()
			}
		})
	}
	wg.Wait()
	if n != 800 {
		t.Errorf("n = %d, want 800", n)
	}
	mustPanic(t, "does not hold", r.Unlock)
}
