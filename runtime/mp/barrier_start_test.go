package mp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func waitAtBarrier(b *mp.Barrier) { b.Wait() }

// TestBarrierPartyNeverStarts passes a barrier to a child that exits before
// it opens the barrier (it cannot find its target): once Start has failed,
// the child no longer counts as a party, so the remaining party's Wait
// breaks the barrier instead of waiting for the child forever.
func TestBarrierPartyNeverStarts(t *testing.T) {
	b := mp.NewBarrier(2)
	mp.SetLauncher(namingLauncher{})
	p := mp.NewProcess(waitAtBarrier, b)
	mp.SetLauncher(nil)
	if err := p.Start(); err == nil || !strings.Contains(err.Error(), "child cannot find missing") {
		t.Fatalf("Start = %v, want the child's lookup error", err)
	}
	const limit = time.Minute
	start := time.Now()
	_, err := b.WaitTimeout(limit)
	if !errors.Is(err, mp.ErrBrokenBarrier) {
		t.Fatalf("Wait = %v, want ErrBrokenBarrier", err)
	}
	if took := time.Since(start); took >= limit {
		t.Fatalf("the barrier broke only when the Wait timed out (%v): the dead child still counted", took)
	} else {
		t.Logf("broken after %v", took)
	}
}

// TestBarrierSharedThenStarted checks that a child that opens the barrier
// takes its pending share back and waits as a party.
func TestBarrierSharedThenStarted(t *testing.T) {
	b := mp.NewBarrier(2)
	p := mp.NewProcess(waitAtBarrier, b)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitTimeout(time.Minute); err != nil {
		t.Fatalf("Wait with the child = %v", err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
}
