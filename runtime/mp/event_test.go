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
