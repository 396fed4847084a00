package mp

import (
	"testing"
	"time"
)

func init() {
	helpers["event-wait"] = func(objs []any, args []string) int {
		e, done := objs[0].(*Event), objs[1].(*Event)
		e.Wait()
		done.Set()
		return 0
	}
}

func TestEventAcrossProcesses(t *testing.T) {
	checkNoLeaks(t)
	e, done := NewEvent(), NewEvent()
	c := startHelper(t, "event-wait", nil, e, done)
	if done.WaitTimeout(50 * time.Millisecond) {
		t.Fatal("the child went on before the Event was set")
	}
	e.Set()
	if !done.WaitTimeout(10 * time.Second) {
		t.Fatal("the child never saw the Event set")
	}
	waitHelpers(t, c)
	if !e.IsSet() || e.String() != "Event(set)" {
		t.Errorf("IsSet = %v, String = %q", e.IsSet(), e)
	}
	e.Clear()
	if e.IsSet() || e.WaitTimeout(0) {
		t.Error("Event still set after Clear")
	}
	mustPanic(t, "not made by mp.NewEvent", func() { var e Event; e.Set() })
}

// TestSyncGoroutinesRace publishes plain Go memory between goroutines
// through the shared-memory primitives: the race detector must see the
// ordering they give.
func TestSyncGoroutinesRace(t *testing.T) {
	data := 0
	e := NewEvent()
	go func() { data = 1; e.Set() }()
	e.Wait()
	if data != 1 {
		t.Error("Event: write not seen")
	}
	s := NewSemaphore(0)
	go func() { data = 2; s.Release() }()
	s.Acquire()
	if data != 2 {
		t.Error("Semaphore: write not seen")
	}
	b := NewBarrier(2)
	go func() { data = 3; b.Wait() }()
	b.Wait()
	if data != 3 {
		t.Error("Barrier: write not seen")
	}
}
