package mp_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// lockAThenB takes a, waits at the start line until the other process has
// taken its first lock too, then takes b: with another process doing the
// same in the other order, both wait for ever.
func lockAThenB(a, b *mp.Lock, line *mp.Barrier) {
	a.Lock()
	line.Wait()
	b.Lock()
}

// eventually polls f until it returns "" or the time is up, and returns
// its last answer.
func eventually(d time.Duration, f func() string) string {
	deadline := time.Now().Add(d)
	for {
		msg := f()
		if msg == "" || time.Now().After(deadline) {
			return msg
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestViewHolderAndWaiter: a view names the process holding a traced lock
// and the one waiting for it, shows shared values as they change, and how
// each process ended.
func TestViewHolderAndWaiter(t *testing.T) {
	lock := mp.NewTracedLock()
	holding := mp.NewEvent()
	number := mp.NewValue("i", 7)
	arr := mp.NewArray("d", []float64{0.5, -1})
	holder := mp.NewProcess(holdUntilKilled, lock, holding)
	holder.SetName("holder")
	v := mp.NewView(holder, "the lock", lock, number, arr)
	if s := v.String(); !strings.Contains(s, "holder: not started") {
		t.Errorf("before Start:\n%s", s)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	holding.WaitTimeout(10 * time.Second)
	waiter := mp.NewProcess(waitForLock, lock)
	waiter.SetName("waiter")
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	number.Store(8)
	arr.StoreFloat(1, 2.5)
	want := []string{
		fmt.Sprintf("holder (pid %d): running, holds the lock", holder.Pid()),
		fmt.Sprintf("waiter (pid %d): waiting for the lock", waiter.Pid()),
		fmt.Sprintf("the lock Lock: held by holder (pid %d); waiting: waiter (pid %d)", holder.Pid(), waiter.Pid()),
		"Value Value('i'): 8",
		"Array Array('d', 2): [0.5 2.5]",
		"running)",
	}
	if msg := eventually(5*time.Second, func() string {
		s := v.String()
		for _, w := range want {
			if !strings.Contains(s, w) {
				return fmt.Sprintf("no %q in:\n%s", w, s)
			}
		}
		return ""
	}); msg != "" {
		t.Error(msg)
	}
	if h := v.HTML(); !strings.Contains(h, "<table") || !strings.Contains(h, "waiting for the lock") {
		t.Errorf("HTML:\n%s", h)
	}
	holder.Kill()
	holder.Join()
	waiter.Join()
	s := v.String()
	for _, w := range []string{"holder (pid", "killed by SIGKILL, exit code -9", "waiter (pid", "finished, exit code 0", "the lock Lock: free", "(all ended)"} {
		if !strings.Contains(s, w) {
			t.Errorf("after the ends, no %q in:\n%s", w, s)
		}
	}
	if ps := v.Processes(); len(ps) != 2 || ps[0] != holder || ps[1] != waiter {
		t.Errorf("Processes() = %v, want the holder and the waiter", ps)
	}
}

// TestViewDeadlock: two processes each holding the lock the other waits
// for; the view says so.
func TestViewDeadlock(t *testing.T) {
	a, b := mp.NewTracedLock(), mp.NewTracedLock()
	line := mp.NewBarrier(2)
	v := mp.NewView("A", a, "B", b)
	p1 := mp.NewProcess(lockAThenB, a, b, line)
	p2 := mp.NewProcess(lockAThenB, b, a, line)
	for _, p := range []*mp.Process{p1, p2} {
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { p.Kill(); p.Join() }()
	}
	cycle := regexp.MustCompile(`deadlock: (\S+) \(pid \d+\) waits for (A|B), held by (\S+) \(pid \d+\); (\S+) \(pid \d+\) waits for (A|B), held by (\S+)`)
	if msg := eventually(10*time.Second, func() string {
		s := v.String()
		m := cycle.FindStringSubmatch(s)
		if m == nil || m[1] != m[6] || m[3] != m[4] || m[2] == m[5] {
			return "no deadlock cycle in:\n" + s
		}
		return ""
	}); msg != "" {
		t.Error(msg)
	}
	if h := v.HTML(); !strings.Contains(h, "deadlock:") {
		t.Errorf("HTML says nothing of the deadlock:\n%s", h)
	}
}

// TestViewLanguage: the view's words follow SetLanguage.
func TestViewLanguage(t *testing.T) {
	defer mp.SetLanguage("en")
	mp.SetLanguage("zh")
	v := mp.NewView("锁", mp.NewLock(), mp.NewEvent())
	s := v.String()
	for _, w := range []string{"进程与共享对象", "锁 Lock: 空闲", "Event Event: 未设置"} {
		if !strings.Contains(s, w) {
			t.Errorf("no %q in:\n%s", w, s)
		}
	}
	if strings.Contains(s, "free") || strings.Contains(s, "not set") {
		t.Errorf("English words in the Chinese view:\n%s", s)
	}
}

// A View shows shared objects (and processes) as they are each time it is
// drawn; kernel/display's Watch redraws one in place while processes run.
func ExampleNewView() {
	lock := mp.NewTracedLock()
	number := mp.NewValue("i", 5)
	v := mp.NewView("lock", lock, "number", number, mp.NewArray("i", []int{1, 2, 3}))
	number.Add(10)
	fmt.Print(v)
	// Output:
	// Processes and shared objects
	// no processes yet
	// lock Lock: free
	// number Value('i'): 15
	// Array Array('i', 3): [1 2 3]
}
