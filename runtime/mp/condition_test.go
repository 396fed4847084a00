package mp

import (
	"fmt"
	"sync/atomic"
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

// TestConditionNotifierDoesNotSteal checks that a notifier that waits
// right after notifying does not take the notification it sent.
func TestConditionNotifierDoesNotSteal(t *testing.T) {
	c := NewCondition(nil)
	done := make(chan bool, 1)
	go func() {
		c.Lock()
		done <- c.WaitTimeout(10 * time.Second)
		c.Unlock()
	}()
	for {
		c.Lock()
		s := c.String()
		c.Unlock()
		if s == "Condition(1 waiting)" {
			break
		}
		time.Sleep(time.Millisecond)
	}
	c.Lock()
	c.Notify()
	if c.WaitTimeout(20 * time.Millisecond) {
		t.Error("the notifier took its own notification")
	}
	c.Unlock()
	if !<-done {
		t.Error("the waiter was not notified")
	}
}

func TestConditionNotifyOrder(t *testing.T) {
	c := NewCondition(nil)
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			c.Lock()
			c.Wait()
			order <- i
			c.Unlock()
		}()
		for { // wait until goroutine i waits, so that arrival order is i
			c.Lock()
			s := c.String()
			c.Unlock()
			if s == fmt.Sprintf("Condition(%d waiting)", i+1) {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	for i := range 3 {
		c.Lock()
		c.Notify()
		c.Unlock()
		if got := <-order; got != i {
			t.Errorf("Notify %d woke waiter %d, want the longest waiting, %d", i, got, i)
		}
	}
}

func init() {
	helpers["cond-wait"] = func(objs []any, args []string) int {
		c := objs[0].(*Condition)
		c.Lock()
		c.Wait()
		c.Unlock()
		return 0
	}
}

// TestConditionSkipsDeadWaiter checks that Notify does not spend itself on
// a waiter whose process was killed.
func TestConditionSkipsDeadWaiter(t *testing.T) {
	c := NewCondition(nil)
	waitFor := func(n int) {
		for {
			c.Lock()
			s := c.String()
			c.Unlock()
			if s == fmt.Sprintf("Condition(%d waiting)", n) {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	child := startHelper(t, "cond-wait", nil, c)
	waitFor(1)
	child.Process.Kill()
	child.Wait()
	done := make(chan bool, 1)
	go func() {
		c.Lock()
		done <- c.WaitTimeout(10 * time.Second)
		c.Unlock()
	}()
	waitFor(2)
	c.Lock()
	c.Notify()
	c.Unlock()
	if !<-done {
		t.Error("Notify went to the killed waiter")
	}
}

// TestConditionManyWaiters has more goroutines wait at once than the 252
// slots of one page, wakes some with NotifyN and the rest with NotifyAll,
// and checks that a second round reuses the slots.
func TestConditionManyWaiters(t *testing.T) {
	const n = 1000
	c := NewCondition(nil)
	for round := range 2 {
		woken := make(chan struct{}, n)
		for range n {
			go func() {
				c.Lock()
				c.Wait()
				c.Unlock()
				woken <- struct{}{}
			}()
		}
		for {
			c.Lock()
			s := c.String()
			c.Unlock()
			if s == fmt.Sprintf("Condition(%d waiting)", n) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		c.Lock()
		c.NotifyN(600)
		c.Unlock()
		for range 600 {
			<-woken
		}
		c.Lock()
		if s := c.String(); s != fmt.Sprintf("Condition(%d waiting)", n-600) {
			t.Errorf("round %d: after NotifyN(600): %s", round, s)
		}
		c.NotifyAll()
		c.Unlock()
		for range n - 600 {
			<-woken
		}
		if used := atomic.LoadUint32(c.u32(condUsed)); used != n {
			t.Errorf("round %d: %d slots used for %d waiters", round, used, n)
		}
	}
}
