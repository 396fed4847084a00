package mp

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func init() {
	helpers["incr-locked"] = func(objs []any, args []string) int {
		lock, v := objs[0].(*Lock), objs[1].(*Value)
		for range atoi(args[0]) {
			lock.Lock()
			v.Store(v.Load() + 1)
			lock.Unlock()
		}
		return 0
	}
	helpers["incr-unlocked"] = func(objs []any, args []string) int {
		v, gate := objs[0].(*Value), objs[1].(*Value)
		for gate.Load() == 0 {
			runtime.Gosched()
		}
		for range atoi(args[0]) {
			v.Store(v.Load() + 1)
		}
		return 0
	}
	helpers["hold"] = func(objs []any, args []string) int {
		lock, flag := objs[0].(*Lock), objs[1].(*Value)
		lock.Lock()
		flag.Store(1)
		time.Sleep(time.Minute)
		return 0
	}
	helpers["traced"] = func(objs []any, args []string) int {
		lock := objs[0].(*Lock)
		CurrentProcess().SetName(args[0])
		for range 3 {
			lock.Lock()
			time.Sleep(2 * time.Millisecond)
			lock.Unlock()
		}
		return 0
	}
}

func TestLockProcessesIncrementExactly(t *testing.T) {
	checkNoLeaks(t)
	const procs, m = 4, 2000
	for _, tc := range []struct {
		name string
		lock func(v *Value) *Lock
	}{
		{"separate Lock", func(*Value) *Lock { return NewLock() }},
		{"Value's own lock", (*Value).GetLock},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := NewValue("i", 0)
			lock := tc.lock(v)
			var cs []interface{ Wait() error }
			for range procs {
				cs = append(cs, startHelper(t, "incr-locked", []string{strconv.Itoa(m)}, lock, v))
			}
			for _, c := range cs {
				if err := c.Wait(); err != nil {
					t.Fatal(err)
				}
			}
			if got := v.Load(); got != procs*m {
				t.Errorf("%d processes x %d locked increments = %d, want %d", procs, m, got, procs*m)
			}
		})
	}
}

func TestNoLockLosesUpdates(t *testing.T) {
	const procs, m = 4, 200000
	v := NewRawValue("i", 0)
	gate := NewRawValue("i", 0) // lets the processes start together
	var cs []interface{ Wait() error }
	for range procs {
		cs = append(cs, startHelper(t, "incr-unlocked", []string{strconv.Itoa(m)}, v, gate))
	}
	gate.Store(1)
	for _, c := range cs {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("without the lock, %d processes x %d increments gave %d (%d updates lost)", procs, m, v.Load(), procs*m-v.Load())
}

func TestLockOwnerKilled(t *testing.T) {
	lock := NewLock()
	flag := NewRawValue("i", 0)
	counter := NewRawValue("i", 0)
	holder := startHelper(t, "hold", nil, lock, flag)
	for flag.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if lock.Owner() != holder.Process.Pid {
		t.Fatalf("Owner = %d, want the holder %d", lock.Owner(), holder.Process.Pid)
	}
	// Two other processes queue up for the lock behind the holder.
	a := startHelper(t, "incr-locked", []string{"100"}, lock, counter)
	b := startHelper(t, "incr-locked", []string{"100"}, lock, counter)
	time.Sleep(20 * time.Millisecond)
	holder.Process.Signal(syscall.SIGKILL)
	start := time.Now()
	if !lock.LockTimeout(10 * time.Second) {
		t.Fatal("no process got the lock of the killed holder")
	}
	took := time.Since(start)
	died := lock.OwnerDied()
	lock.Unlock()
	waitHelpers(t, a, b)
	t.Logf("after the holder was killed, the parent got the lock in %v (OwnerDied=%v)", took, died)
	if got := counter.Load(); got != 200 {
		t.Errorf("waiting processes counted %d, want 200", got)
	}
	holder.Wait()
}

func TestLockOwnerDiedReported(t *testing.T) {
	lock := NewLock()
	flag := NewRawValue("i", 0)
	holder := startHelper(t, "hold", nil, lock, flag)
	for flag.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	holder.Process.Kill()
	start := time.Now()
	lock.Lock()
	t.Logf("Lock returned %v after the holder was killed", time.Since(start))
	if !lock.OwnerDied() {
		t.Error("OwnerDied = false after taking the lock of a killed holder")
	}
	lock.Unlock()
	lock.Lock()
	if lock.OwnerDied() {
		t.Error("OwnerDied = true after an ordinary Lock")
	}
	lock.Unlock()
}

func TestLockGoroutines(t *testing.T) {
	lock := NewLock()
	n := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				lock.Lock()
				n++
				lock.Unlock()
			}
		})
	}
	wg.Wait()
	if n != 4000 {
		t.Errorf("n = %d, want 4000", n)
	}
}

func TestLockTryAndTimeout(t *testing.T) {
	lock := NewLock()
	if !lock.TryLock() {
		t.Fatal("TryLock of a new Lock failed")
	}
	if lock.TryLock() {
		t.Error("TryLock of a locked Lock succeeded")
	}
	if lock.LockTimeout(10 * time.Millisecond) {
		t.Error("LockTimeout of a locked Lock succeeded")
	}
	if got := lock.String(); !strings.Contains(got, "locked by pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("String = %q", got)
	}
	lock.Unlock()
	if !lock.LockTimeout(time.Second) {
		t.Error("LockTimeout of an unlocked Lock failed")
	}
	lock.Unlock()
	if got := lock.String(); got != "Lock(unlocked)" {
		t.Errorf("String = %q", got)
	}
}

func TestLockMisuse(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"unlock unlocked", "Unlock of a Lock that is not locked", func() { NewLock().Unlock() }},
		{"zero Lock", "not made by mp.NewLock", func() { var l Lock; l.Lock() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				err, _ := r.(error)
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "mp: ") {
					t.Errorf("panic %v, want an error containing %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func TestTracedLockTimeline(t *testing.T) {
	lock := NewTracedLock()
	lock.Lock()
	time.Sleep(time.Millisecond)
	lock.Unlock()
	a := startHelper(t, "traced", []string{"Process-1"}, lock)
	b := startHelper(t, "traced", []string{"Process-2"}, lock)
	waitHelpers(t, a, b)
	tl := lock.Timeline()
	holds := 0
	for _, e := range tl.Events {
		if e.Kind == LockAcquired || e.Kind == LockReleased {
			holds++
		}
	}
	if holds != 14 {
		t.Fatalf("%d acquisitions and releases, want 14: %v", holds, tl.Events)
	}
	names := map[string]int{}
	for _, s := range tl.Spans() {
		names[s.Process]++
	}
	if names["MainProcess"] != 1 || names["Process-1"] != 3 || names["Process-2"] != 3 {
		t.Errorf("spans per process = %v, want MainProcess 1, Process-1 3, Process-2 3", names)
	}
	spans := tl.Spans()
	for i := 1; i < len(spans); i++ {
		if spans[i].Start.Before(spans[i-1].End) {
			t.Errorf("spans overlap: %+v and %+v", spans[i-1], spans[i])
		}
	}
	svg := tl.SVG()
	for _, want := range []string{"<svg", "Process-1 (pid " + strconv.Itoa(a.Process.Pid) + ")", "Process-2", "MainProcess", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	t.Log(tl)
	if got := NewLock().Timeline(); len(got.Events) != 0 || !strings.Contains(got.SVG(), "no events") {
		t.Errorf("untraced Lock timeline = %v", got)
	}
}

func init() {
	// incr-until increments v under lock until stop is set.
	helpers["incr-until"] = func(objs []any, args []string) int {
		lock, v, stop := objs[0].(*Lock), objs[1].(*Value), objs[2].(*Event)
		for !stop.IsSet() {
			lock.Lock()
			v.Store(v.Load() + 1)
			lock.Unlock()
		}
		return 0
	}
}

// TestLockKillStress kills processes at random points of their locking
// loop, many times: the survivors must never stay stuck.
func TestLockKillStress(t *testing.T) {
	if testing.Short() {
		t.Skip("slow under -short")
	}
	lock := NewLock()
	v := NewRawValue("q", 0)
	stop := NewEvent()
	var live []*exec.Cmd
	for range 3 {
		live = append(live, startHelper(t, "incr-until", nil, lock, v, stop))
	}
	takeovers := 0
	for round := range 15 {
		time.Sleep(time.Duration(5+round*3) * time.Millisecond)
		victim := live[0]
		victim.Process.Kill()
		victim.Wait()
		live = append(live[1:], startHelper(t, "incr-until", nil, lock, v, stop))
		before := v.Load()
		if !lock.LockTimeout(10 * time.Second) {
			t.Fatalf("round %d: the lock stayed stuck after a kill (owner %d)", round, lock.Owner())
		}
		if lock.OwnerDied() {
			takeovers++
		}
		lock.Unlock()
		// The survivors go on incrementing.
		deadline := time.Now().Add(10 * time.Second)
		for v.Load() == before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if v.Load() == before {
			t.Fatalf("round %d: no process increments any more", round)
		}
	}
	stop.Set()
	for _, c := range live {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("15 kills, %d of them while holding the lock; %d increments", takeovers, v.Load())
}
