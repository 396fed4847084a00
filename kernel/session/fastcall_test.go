package session

import (
	"context"
	"strings"
	"testing"
)

// TestFastLockCalls runs cells whose lock calls package lower turns into
// kernel/symbols' fast calls (see lower/fastcall.go), in the cell and in
// children built from the notebook's declarations: the locks still
// exclude, and every increment made under them is counted.
func TestFastLockCalls(t *testing.T) {
	s := newProcsSession(t)
	ctx := context.Background()
	out, err := runProcsCell(t, s, ctx, tutorialImports+`

func addMany(v *mp.Value, n int) {
	for i := 0; i < n; i++ {
		v.GetLock().Lock()
		v.Store(v.Load() + 1)
		v.GetLock().Unlock()
	}
}

func release(sem *mp.Semaphore, n int) {
	for i := 0; i < n; i++ {
		sem.Release()
	}
}

lock := mp.NewLock()
for i := 0; i < 3; i++ {
	lock.Lock()
	fmt.Println("held:", !lock.TryLock())
	lock.Unlock()
}
fmt.Println("free:", lock.TryLock())
lock.Unlock()
`)
	if err != nil || out != "held: true\nheld: true\nheld: true\nfree: true\n" {
		t.Fatalf("cell: %q, %v", out, err)
	}
	out, err = runProcsCell(t, s, ctx, `
v := mp.NewValue("i", 0)
p1, p2 := mp.NewProcess(addMany, v, 20000), mp.NewProcess(addMany, v, 20000)
p1.Start()
p2.Start()
p1.Join()
p2.Join()
sem := mp.NewSemaphore(0)
p3 := mp.NewProcess(release, sem, 5)
p3.Start()
p3.Join()
for i := 0; i < 5; i++ {
	sem.Acquire()
}
fmt.Println(v.Load(), sem.Count(), p1.ExitCode(), p2.ExitCode(), p3.ExitCode())
`)
	if err != nil || strings.TrimSpace(out) != "40000 0 0 0 0" {
		t.Fatalf("children: %q, %v", out, err)
	}
}
