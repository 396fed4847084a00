package mp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// holdUntilKilled takes the lock, says so, and never lets it go.
func holdUntilKilled(lock *mp.Lock, holding *mp.Event) {
	lock.Lock()
	holding.Set()
	time.Sleep(time.Hour)
}

// holdThenReturn takes the lock and returns without unlocking it.
func holdThenReturn(lock *mp.Lock, d time.Duration) {
	lock.Lock()
	time.Sleep(d)
}

// waitForLock waits for the lock, as long as it takes, and releases it.
func waitForLock(lock *mp.Lock) {
	lock.Lock()
	lock.Unlock()
}

// TestTimelineKilledHolder kills a process holding a traced lock: the
// timeline shows it holding the lock until the moment it was killed, and
// the process that waited meanwhile waiting until it took the lock over.
func TestTimelineKilledHolder(t *testing.T) {
	for _, sig := range []string{"kill", "terminate"} {
		t.Run(sig, func(t *testing.T) {
			lock := mp.NewTracedLock()
			holding := mp.NewEvent()
			holder := mp.NewProcess(holdUntilKilled, lock, holding)
			if err := holder.Start(); err != nil {
				t.Fatal(err)
			}
			if !holding.WaitTimeout(10 * time.Second) {
				t.Fatal("the holder never took the lock")
			}
			waiter := mp.NewProcess(waitForLock, lock)
			if err := waiter.Start(); err != nil {
				t.Fatal(err)
			}
			const held = 400 * time.Millisecond
			time.Sleep(held)
			killed := time.Now()
			if sig == "kill" {
				holder.Kill()
			} else {
				holder.Terminate()
			}
			holder.Join()
			if err := waiter.Join(); err != nil {
				t.Fatal(err)
			}
			tl := lock.Timeline()
			spans := tl.Spans()
			if len(spans) != 2 {
				t.Fatalf("%d holds, want 2 (holder, waiter):\n%v", len(spans), tl)
			}
			h := spans[0]
			if h.Pid != holder.Pid() || !h.Open || !h.Ended {
				t.Errorf("the killed holder's hold = %+v, want pid %d, open and ended", h, holder.Pid())
			}
			if d := h.End.Sub(killed); d < 0 || d > 2*time.Second {
				t.Errorf("the hold ends %v after the kill, want at the process's end (within the 2 s a reap may take)", d)
			}
			if d := h.End.Sub(h.Start); d < held {
				t.Errorf("the hold lasts %v, want at least the %v the holder held it", d, held)
			}
			if !spans[1].Start.After(h.End) && !spans[1].Start.Equal(h.End) {
				t.Errorf("the waiter took the lock at %v, before the holder ended at %v", spans[1].Start, h.End)
			}
			waits := tl.Waits()
			if len(waits) != 1 || waits[0].Pid != waiter.Pid() || waits[0].Open || waits[0].End.Before(h.End) {
				t.Errorf("waits = %+v, want one by the waiter, ending when it took the lock, after %v", waits, h.End)
			}
			text := tl.String()
			if !strings.Contains(text, "(ended holding it)") {
				t.Errorf("String does not say the holder ended holding the lock:\n%s", text)
			}
			if strings.Contains(tl.SVG(), ">0 ns<") && strings.Contains(tl.SVG(), "1000 ns") {
				t.Errorf("the picture's axis is in nanoseconds:\n%s", tl.SVG())
			}
		})
	}
}

// TestTimelineReturnHolding: a target that returns holding the lock held it
// until its process ended, not for an instant.
func TestTimelineReturnHolding(t *testing.T) {
	lock := mp.NewTracedLock()
	p := mp.NewProcess(holdThenReturn, lock, 300*time.Millisecond)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	p.Join()
	spans := lock.Timeline().Spans()
	if len(spans) != 1 || !spans[0].Ended || spans[0].End.Sub(spans[0].Start) < 300*time.Millisecond {
		t.Fatalf("spans = %+v, want one hold of at least 300 ms that ended with its process", spans)
	}
}

// TestTimelineStillHeld: while a process holds the lock, its hold runs up
// to the moment the timeline is taken; a wait still going on too.
func TestTimelineStillHeld(t *testing.T) {
	lock := mp.NewTracedLock()
	holding := mp.NewEvent()
	p := mp.NewProcess(holdUntilKilled, lock, holding)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { p.Kill(); p.Join() }()
	holding.WaitTimeout(10 * time.Second)
	if lock.LockTimeout(200 * time.Millisecond) {
		t.Fatal("took a lock another process holds")
	}
	time.Sleep(100 * time.Millisecond)
	tl := lock.Timeline()
	spans, waits := tl.Spans(), tl.Waits()
	if len(spans) != 1 || !spans[0].Still || !spans[0].End.Equal(tl.Taken) || spans[0].End.Sub(spans[0].Start) < 300*time.Millisecond {
		t.Errorf("spans = %+v, want the holder's, still held, up to %v", spans, tl.Taken)
	}
	if len(waits) != 1 || !waits[0].GaveUp || d(waits[0]) < 200*time.Millisecond {
		t.Errorf("waits = %+v, want the parent's 200 ms LockTimeout, given up", waits)
	}
	if !strings.Contains(tl.String(), "(still holds it)") {
		t.Errorf("String = %q, want it to say the lock is still held", tl.String())
	}
}

func d(s mp.Span) time.Duration { return s.End.Sub(s.Start) }

// TestTimelineLanguage: the words of the picture follow SetLanguage.
func TestTimelineLanguage(t *testing.T) {
	lock := mp.NewTracedLock()
	lock.Lock()
	lock.Unlock()
	defer mp.SetLanguage("en")
	for _, tc := range []struct{ lang, title, held string }{
		{"en", "Who held the lock when", "held"},
		{"zh", "谁在何时持有锁", "持有"},
	} {
		if err := mp.SetLanguage(tc.lang); err != nil {
			t.Fatal(err)
		}
		tl := lock.Timeline()
		if svg := tl.SVG(); !strings.Contains(svg, tc.title) {
			t.Errorf("%s: SVG has no title %q:\n%s", tc.lang, tc.title, svg)
		}
		if s := tl.String(); !strings.Contains(s, tc.held) {
			t.Errorf("%s: String = %q, want %q", tc.lang, s, tc.held)
		}
	}
	if err := mp.SetLanguage("fr"); err == nil || mp.Language() != "zh" {
		t.Errorf("SetLanguage(fr) = %v, language %q; want an error and zh kept", err, mp.Language())
	}
}
