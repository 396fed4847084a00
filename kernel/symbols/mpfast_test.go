package symbols_test

import (
	"reflect"
	"testing"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// TestFastCalls checks that a conversion to each marker type calls its
// method (the locks end up held or released), and that every marker has
// its hook in the same map.
func TestFastCalls(t *testing.T) {
	in := newInterp(t)
	if _, err := in.Eval(`import "github.com/gopherlab/gopherlab/runtime/mp"`); err != nil {
		t.Fatal(err)
	}
	lock, sem := mp.NewLock(), mp.NewSemaphore(1)
	if _, err := in.Eval(`var lock *mp.Lock; var sem *mp.Semaphore`); err != nil {
		t.Fatal(err)
	}
	set := func(name string, v any) {
		p, err := in.Eval("&" + name)
		if err != nil {
			t.Fatal(err)
		}
		p.Elem().Set(reflect.ValueOf(v))
	}
	set("lock", lock)
	set("sem", sem)
	for _, c := range []struct {
		code string
		held bool
	}{
		{`_ = (*mp._gopherlabLockLock)(lock)`, true},
		{`_ = (*mp._gopherlabLockUnlock)(lock)`, false},
		{`for i := 0; i < 3; i++ { _ = (*mp._gopherlabLockLock)(lock); _ = (*mp._gopherlabLockUnlock)(lock) }`, false},
		{`_ = (*mp._gopherlabLockLock)(lock)`, true},
		{`_ = (*mp._gopherlabLockUnlock)(lock)`, false},
	} {
		if _, err := in.Eval(c.code); err != nil {
			t.Fatalf("%s: %v", c.code, err)
		}
		free := lock.TryLock()
		if free {
			lock.Unlock()
		}
		if free == c.held {
			t.Errorf("after %s: held %v, want %v", c.code, !free, c.held)
		}
	}
	if _, err := in.Eval(`_ = (*mp._gopherlabSemaphoreAcquire)(sem)`); err != nil {
		t.Fatal(err)
	}
	if sem.Count() != 0 {
		t.Errorf("after a fast Acquire, the semaphore's value is %d", sem.Count())
	}
	if _, err := in.Eval(`_ = (*mp._gopherlabSemaphoreRelease)(sem)`); err != nil || sem.Count() != 1 {
		t.Errorf("after a fast Release: %v, value %d", err, sem.Count())
	}
}
