package mp

import (
	"testing"
	"time"
)

func init() {
	// cond-consumer waits under c for v to become positive, then doubles it.
	helpers["cond-consumer"] = func(objs []any, args []string) int {
		c, v := objs[0].(*Condition), objs[1].(*Value)
		c.Lock()
		c.WaitFor(func() bool { return v.Load() > 0 }, -1)
		v.Store(v.Load() * 2)
		c.NotifyAll()
		c.Unlock()
		return 0
	}
}

func TestConditionAcrossProcesses(t *testing.T) {
	checkNoLeaks(t)
	c := NewCondition(nil)
	v := NewRawValue("i", 0)
	a := startHelper(t, "cond-consumer", nil, c, v)
	b := startHelper(t, "cond-consumer", nil, c, v)
	c.Lock()
	v.Store(1)
	c.NotifyAll()
	if !c.WaitFor(func() bool { return v.Load() == 4 }, 10*time.Second) {
		t.Errorf("v = %d, want 4: both consumers doubled it", v.Load())
	}
	c.Unlock()
	waitHelpers(t, a, b)
}

func TestConditionNotifyOne(t *testing.T) {
	c := NewCondition(NewLock())
	woken := make(chan bool, 2)
	for range 2 {
		go func() {
			c.Lock()
			woken <- c.WaitTimeout(300 * time.Millisecond)
			c.Unlock()
		}()
	}
	for { // until both wait
		c.Lock()
		n := c.String()
		c.Unlock()
		if n == "Condition(2 waiting)" {
			break
		}
		time.Sleep(time.Millisecond)
	}
	c.Lock()
	c.Notify()
	c.Unlock()
	if !<-woken {
		t.Error("first waiter to return was not notified")
	}
	if <-woken {
		t.Error("Notify woke two waiters")
	}
	c.Lock()
	if c.WaitTimeout(10*time.Millisecond) || c.String() != "Condition(0 waiting)" {
		t.Error("WaitTimeout without Notify returned true")
	}
	c.Unlock()
	mustPanic(t, "without holding its lock", func() { c.Wait() })
	mustPanic(t, "without holding its lock", c.Notify)
}
