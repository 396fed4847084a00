package mp

import (
	"strconv"
	"testing"
	"time"
)

func init() {
	// sem-section enters a section guarded by s, counting how many
	// processes are inside in st[0] and the most seen in st[1].
	helpers["sem-section"] = func(objs []any, args []string) int {
		s, st := objs[0].(*Semaphore), objs[1].(*Array)
		for range atoi(args[0]) {
			s.Acquire()
			in := st.Add(0, 1)
			for {
				m := st.Load(1)
				if in <= m || st.CompareAndSwap(1, m, in) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			st.Add(0, -1)
			s.Release()
		}
		return 0
	}
}

func TestSemaphoreLimitsProcesses(t *testing.T) {
	checkNoLeaks(t)
	s := NewSemaphore(2)
	st := NewRawArray("i", 2)
	var cs []interface{ Wait() error }
	for range 4 {
		cs = append(cs, startHelper(t, "sem-section", []string{strconv.Itoa(20)}, s, st))
	}
	for _, c := range cs {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if m := st.Load(1); m > 2 || m < 1 {
		t.Errorf("at most %d processes were inside a section a Semaphore(2) guards", m)
	}
	t.Logf("at most %d processes inside at once", st.Load(1))
	if s.Count() != 2 {
		t.Errorf("Count = %d after every Release, want 2", s.Count())
	}
}

func TestSemaphoreCounts(t *testing.T) {
	s := NewSemaphore(1)
	if !s.TryAcquire() || s.TryAcquire() || s.AcquireTimeout(10*time.Millisecond) {
		t.Fatal("Semaphore(1) let two in")
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		s.Release()
	}()
	if !s.AcquireTimeout(10 * time.Second) {
		t.Error("AcquireTimeout missed a Release")
	}
	s.Release()
	s.Release() // a plain Semaphore may go above its start value
	if s.Count() != 2 || s.String() != "Semaphore(count=2)" {
		t.Errorf("Count = %d, String = %q", s.Count(), s)
	}
	b := NewBoundedSemaphore(1)
	b.Acquire()
	b.Release()
	mustPanic(t, "BoundedSemaphore released too many times", b.Release)
	if b.String() != "BoundedSemaphore(count=1, bound=1)" {
		t.Errorf("String = %q", b)
	}
	mustPanic(t, "must be between 0", func() { NewSemaphore(-1) })
	mustPanic(t, "must be positive", func() { NewBoundedSemaphore(0) })
	mustPanic(t, "not made by mp.NewSemaphore", func() { var s Semaphore; s.Acquire() })
}

func TestBoundedSemaphoreShared(t *testing.T) {
	b := NewBoundedSemaphore(3)
	kind, files, meta, err := b.share()
	if err != nil {
		t.Fatal(err)
	}
	o, err := openShared(kind, files, meta)
	if err != nil {
		t.Fatal(err)
	}
	b2 := o.(*BoundedSemaphore)
	b2.Acquire()
	if b.Count() != 2 {
		t.Errorf("Acquire through a second mapping not seen: Count = %d", b.Count())
	}
}
