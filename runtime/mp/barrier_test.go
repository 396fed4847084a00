package mp

import (
	"errors"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func init() {
	// barrier-rounds: party i writes round r into st[i], waits, and checks
	// that every party wrote round r before anyone passed.
	helpers["barrier-rounds"] = func(objs []any, args []string) int {
		b, st := objs[0].(*Barrier), objs[1].(*Array)
		i := atoi(args[0])
		for r := 1; r <= 5; r++ {
			st.Store(i, r)
			if _, err := b.Wait(); err != nil {
				return 4
			}
			for j := range st.Len() {
				if st.Load(j) < r {
					return 5
				}
			}
			if _, err := b.Wait(); err != nil {
				return 4
			}
		}
		return 0
	}
	helpers["barrier-wait"] = func(objs []any, args []string) int {
		b := objs[0].(*Barrier)
		if _, err := b.Wait(); !errors.Is(err, ErrBrokenBarrier) {
			return 4
		}
		return 0
	}
	helpers["sleep"] = func(objs []any, args []string) int {
		time.Sleep(time.Minute)
		return 0
	}
}

func TestBarrierRoundsAcrossProcesses(t *testing.T) {
	checkNoLeaks(t)
	const parties = 3
	b := NewBarrier(parties)
	st := NewRawArray("i", parties)
	var cs []interface{ Wait() error }
	for i := range parties {
		cs = append(cs, startHelper(t, "barrier-rounds", []string{strconv.Itoa(i)}, b, st))
	}
	for _, c := range cs {
		if err := c.Wait(); err != nil {
			t.Fatalf("party: %v (exit 4: broken barrier, 5: passed before all arrived)", err)
		}
	}
	if b.Broken() || b.Waiting() != 0 || b.Parties() != 3 {
		t.Errorf("after the rounds: %v", b)
	}
}

func TestBarrierPartyKilled(t *testing.T) {
	b := NewBarrier(3)
	waiter := startHelper(t, "barrier-wait", nil, b)
	sleeper := startHelper(t, "sleep", nil, b)
	// Both children have opened the barrier, one waits.
	for b.Waiting() < 1 || atomic.LoadUint32(b.u32(barNReg)) < 2 {
		time.Sleep(time.Millisecond)
	}
	sleeper.Process.Signal(syscall.SIGKILL)
	start := time.Now()
	_, err := b.WaitTimeout(10 * time.Second)
	took := time.Since(start)
	if !errors.Is(err, ErrBrokenBarrier) {
		t.Fatalf("Wait after a party was killed = %v, want ErrBrokenBarrier", err)
	}
	if took > 5*time.Second {
		t.Errorf("the barrier broke only when the waiter's own timeout expired (%v)", took)
	}
	t.Logf("the barrier broke %v after a party was killed", took)
	waitHelpers(t, waiter) // exit 4: the other party was not told
	sleeper.Wait()
	if !b.Broken() {
		t.Error("Broken = false")
	}
	b.Reset()
	if b.Broken() {
		t.Error("Broken after Reset")
	}
}

func TestBarrierGoroutines(t *testing.T) {
	b := NewBarrier(2)
	idx := make(chan int)
	go func() {
		i, err := b.Wait()
		if err != nil {
			t.Error(err)
		}
		idx <- i
	}()
	i, err := b.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if j := <-idx; i+j != 1 {
		t.Errorf("indexes %d and %d, want 0 and 1", i, j)
	}
	if _, err := b.WaitTimeout(10 * time.Millisecond); !errors.Is(err, ErrBrokenBarrier) {
		t.Errorf("WaitTimeout alone = %v, want ErrBrokenBarrier", err)
	}
	if _, err := b.Wait(); !errors.Is(err, ErrBrokenBarrier) {
		t.Errorf("Wait on a broken barrier = %v", err)
	}
	b.Reset()
	go func() { time.Sleep(10 * time.Millisecond); b.Abort() }()
	if _, err := b.Wait(); !errors.Is(err, ErrBrokenBarrier) {
		t.Errorf("Wait during Abort = %v", err)
	}
	mustPanic(t, "at least 1", func() { NewBarrier(0) })
}

func TestBarrierChildPartyKilledParentNotParty(t *testing.T) {
	b := NewBarrier(2)
	waiter := startHelper(t, "barrier-wait", nil, b)
	sleeper := startHelper(t, "sleep", nil, b)
	// Both children have opened the barrier, one waits.
	for b.Waiting() < 1 || atomic.LoadUint32(b.u32(barNReg)) < 2 {
		time.Sleep(time.Millisecond)
	}
	sleeper.Process.Signal(syscall.SIGKILL)
	// The waiting child gets ErrBrokenBarrier (exit 0), not a hang.
	waitHelpers(t, waiter)
	sleeper.Wait()
	if !b.Broken() {
		t.Error("Broken = false")
	}
}
