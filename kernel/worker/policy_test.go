package worker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/kernel/worker/compiler"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

func TestParsePolicy(t *testing.T) {
	def := worker.DefaultPolicy
	for _, tc := range []struct {
		in   string
		want string // Policy.String, or the start of the error
	}{
		{"", def.String()},
		{"ready=2,idle=30s,machine=32", "ready=2,spare=on,idle=30s,machine=32"},
		{"ready=0 spare=off", "ready=0,spare=off,idle=10m0s,machine=0"},
		{"off", "ready=0,spare=off,idle=10m0s,machine=0"},
		{"off,idle=never", "ready=0,spare=off,idle=never,machine=0"},
		{"idle=0", "ready=8,spare=on,idle=never,machine=0"},
		{"spare=1,ready=8", "ready=8,spare=on,idle=10m0s,machine=0"},
		{"ready=9", "worker: GOPHERLAB_WORKERS: ready=9: want a number from 0 to 8"},
		{"ready=-1", "worker: GOPHERLAB_WORKERS: ready=-1: want a number from 0 to 8"},
		{"idle=soon", "worker: GOPHERLAB_WORKERS: idle=soon: want a duration"},
		{"spare=maybe", "worker: GOPHERLAB_WORKERS: spare=maybe: want on or off"},
		{"machine=x", "worker: GOPHERLAB_WORKERS: machine=x: want a number"},
		{"workers=3", `worker: GOPHERLAB_WORKERS: unknown setting "workers"`},
		{"ready", `worker: GOPHERLAB_WORKERS: "ready" is not a setting`},
	} {
		p, err := worker.ParsePolicy(tc.in)
		got := p.String()
		if err != nil {
			got = err.Error()
			if p != def {
				t.Errorf("ParsePolicy(%q) = %v with error %v, want the default policy with the error", tc.in, p, err)
			}
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("ParsePolicy(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestIdleEndsWorkers: once no cell has run for the policy's Idle time, the
// launcher ends the workers it keeps in advance and calls the OnIdle
// functions; the next cell's Start still works (it starts a worker), and
// the workers are back after that cell.
func TestIdleEndsWorkers(t *testing.T) {
	nb := newNotebook(t)
	idle := 300 * time.Millisecond
	// No idle time until the workers have been seen: on a busy machine
	// they may take longer than it to start.
	nb.l.SetPolicy(worker.Policy{Ready: 8, Spare: true})
	idled := make(chan time.Time, 10)
	nb.l.OnIdle(func() { idled <- time.Now() })
	nb.declare(tutorialDecls)
	nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, 1); p.Start(); p.Join()`)
	if err != nil || out != "hello 1\n" {
		t.Fatalf("cell: %q, %v", out, err)
	}
	nb.l.Prestart() // returns once the workers are ready
	ready, spare := worker.Kept(nb.l)
	kids := childPids(t)
	if ready < 2 || !spare || len(kids) < 3 {
		t.Fatalf("after the cell: %d ready workers, spare %v, children %v; want 2 ready, a spare", ready, spare, kids)
	}
	set := time.Now()
	nb.l.SetPolicy(worker.Policy{Ready: 8, Spare: true, Idle: idle}) // counts from now: no cell runs
	select {
	case at := <-idled:
		if d := at.Sub(set); d < idle {
			t.Errorf("OnIdle called %v after the idle time was set, before the idle time %v", d, idle)
		}
	case <-time.After(idle + 10*time.Second):
		t.Fatal("OnIdle not called")
	}
	if ready, spare := worker.Kept(nb.l); ready != 0 || spare {
		t.Errorf("idle launcher keeps %d ready workers, spare %v", ready, spare)
	}
	for _, pid := range kids {
		waitGone(t, pid)
	}
	nb.l.SetPolicy(worker.Policy{Ready: 8, Spare: true}) // none until the workers are seen again
	out, err = nb.run(context.Background(), `p := mp.NewProcess(hello, 2); p.Start(); p.Join()`)
	if err != nil || out != "hello 2\n" {
		t.Fatalf("cell after idle: %q, %v", out, err)
	}
	nb.l.Prestart()
	if ready, spare := worker.Kept(nb.l); ready < 2 || !spare {
		t.Errorf("after the next cell: %d ready workers, spare %v; want them back", ready, spare)
	}
}

// TestIdleWaitsForTheCell: a cell that runs longer than the idle time keeps
// the workers; the idle time counts from its end.
func TestIdleWaitsForTheCell(t *testing.T) {
	nb := newNotebook(t)
	idle := 200 * time.Millisecond
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true}) // no idle time yet
	idled := make(chan time.Time, 10)
	nb.l.OnIdle(func() { idled <- time.Now() })
	nb.declare(tutorialDecls)
	nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	if _, err := nb.run(context.Background(), `p := mp.NewProcess(hello, 1); p.Start(); p.Join()`); err != nil {
		t.Fatal(err)
	}
	nb.l.Prestart()
	// The idle time runs from SetPolicy until the long cell starts, which
	// must stop it. Should the machine take longer than the idle time to
	// start the cell, the kernel was rightly idle before it: try again.
	var began time.Time
	nb.cellStarted = func() { began = time.Now() }
	var ended time.Time
	for attempt := 1; ; attempt++ {
		set := time.Now()
		nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true, Idle: idle})
		out, err := nb.run(context.Background(), `time.Sleep(800 * time.Millisecond); p := mp.NewProcess(hello, 2); p.Start(); p.Join()`)
		ended = time.Now()
		if err != nil || out != "hello 2\n" {
			t.Fatalf("long cell: %q, %v", out, err)
		}
		if began.Sub(set) < idle {
			break
		}
		if attempt == 3 {
			t.Skipf("the machine took %v, longer than the idle time, to start a cell, %d times", began.Sub(set), attempt)
		}
		nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true})
		for len(idled) > 0 {
			<-idled
		}
	}
	for {
		select {
		case at := <-idled:
			if at.Before(ended) {
				t.Errorf("OnIdle called %v before the end of a running cell", ended.Sub(at))
				continue
			}
		case <-time.After(idle + 10*time.Second):
			t.Fatal("OnIdle not called after the cell")
		}
		break
	}
}

// TestIdleEndsWorkersBeingStarted: workers still being started in advance
// when the kernel goes idle are ended with the others (on a busy machine,
// at the background priority, they may take minutes to be ready, and the
// kernel would not be idle until then). Here they stop (SIGSTOP) as they
// start, and never get ready.
func TestIdleEndsWorkersBeingStarted(t *testing.T) {
	nb := newNotebook(t)
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true}) // no idle time yet
	idled := make(chan time.Time, 10)
	nb.l.OnIdle(func() { idled <- time.Now() })
	nb.declare(tutorialDecls)
	nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	pids := make(chan int, 64)
	worker.SetStartedInBackground(func(pid int) {
		syscall.Kill(pid, syscall.SIGSTOP)
		pids <- pid
	})
	t.Cleanup(func() { worker.SetStartedInBackground(nil) })
	var stopped []int
	defer func() {
		for _, pid := range stopped {
			syscall.Kill(pid, syscall.SIGCONT)
		}
	}()
	// The process this cell starts runs its target: the launcher starts the
	// next workers in the background.
	if out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, 1); p.Start(); p.Join()`); err != nil || out != "hello 1\n" {
		t.Fatalf("cell: %q, %v", out, err)
	}
	select {
	case pid := <-pids:
		stopped = append(stopped, pid)
	case <-time.After(30 * time.Second):
		t.Fatal("no worker started in advance")
	}
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true, Idle: 100 * time.Millisecond})
	select {
	case <-idled:
	case <-time.After(30 * time.Second):
		t.Fatal("OnIdle not called while workers being started in advance have not got ready")
	}
	worker.SetStartedInBackground(nil)
	for len(pids) > 0 {
		stopped = append(stopped, <-pids)
	}
	for _, pid := range stopped {
		waitGone(t, pid)
	}
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true})
	if out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, 2); p.Start(); p.Join()`); err != nil || out != "hello 2\n" {
		t.Fatalf("cell after idle: %q, %v", out, err)
	}
}

// TestPolicyOff: with no worker kept in advance, every Start starts one,
// and nothing runs between cells.
func TestPolicyOff(t *testing.T) {
	nb := newNotebook(t)
	p, err := worker.ParsePolicy("off")
	if err != nil {
		t.Fatal(err)
	}
	nb.l.SetPolicy(p)
	nb.declare(tutorialDecls)
	nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	for i := range 2 {
		out, err := nb.run(context.Background(), fmt.Sprintf(`p := mp.NewProcess(hello, %d); p.Start(); p.Join()`, i))
		if want := fmt.Sprintf("hello %d\n", i); err != nil || out != want {
			t.Fatalf("cell %d: %q, %v; want %q", i, out, err, want)
		}
		nb.l.Prestart()
		if kids := childPids(t); len(kids) != 0 {
			t.Errorf("workers kept with policy off: %v", kids)
		}
	}
}

// TestMachineCap: two kernels share a cap of 3 workers kept in advance. The
// first takes all 3 slots (a spare and 2 ready), the second keeps none and
// still starts processes; once the first is idle, the second gets them.
func TestMachineCap(t *testing.T) {
	pool := fmt.Sprintf("gopherlab-test-%d", os.Getpid())
	a, b := newNotebook(t), newNotebook(t)
	a.l.SetPolicy(worker.InPool(worker.Policy{Ready: 2, Spare: true, Idle: time.Hour, Machine: 3}, pool))
	b.l.SetPolicy(worker.InPool(worker.Policy{Ready: 2, Spare: true, Idle: time.Hour, Machine: 3}, pool))
	idled := make(chan bool, 1)
	a.l.OnIdle(func() { idled <- true })
	for _, nb := range []*notebook{a, b} {
		nb.declare(tutorialDecls)
		nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	}
	run := func(nb *notebook, name string, n int) {
		t.Helper()
		mp.SetLauncher(nb.l) // the launcher is process-wide
		out, err := nb.run(context.Background(), fmt.Sprintf(`p := mp.NewProcess(hello, %d); p.Start(); p.Join()`, n))
		if want := fmt.Sprintf("hello %d\n", n); err != nil || out != want {
			t.Fatalf("%s: cell wrote %q, %v; want %q", name, out, err, want)
		}
		nb.l.Prestart()
	}
	run(a, "first kernel", 1)
	if ready, spare := worker.Kept(a.l); ready != 2 || !spare || worker.Slots(a.l) != 3 {
		t.Fatalf("first kernel keeps %d ready, spare %v, holds %d slots; want 2, a spare, 3", ready, spare, worker.Slots(a.l))
	}
	run(b, "second kernel", 2)
	if ready, spare := worker.Kept(b.l); ready != 0 || spare || worker.Slots(b.l) != 0 {
		t.Fatalf("second kernel keeps %d ready, spare %v, holds %d slots beyond the machine's cap", ready, spare, worker.Slots(b.l))
	}
	// The first kernel goes idle: its slots are free again.
	a.l.SetPolicy(worker.InPool(worker.Policy{Ready: 2, Spare: true, Idle: 50 * time.Millisecond, Machine: 3}, pool))
	select {
	case <-idled:
	case <-time.After(10 * time.Second):
		t.Fatal("first kernel not idle")
	}
	a.l.SetPolicy(worker.InPool(worker.Policy{Ready: 2, Spare: true, Idle: time.Hour, Machine: 3}, pool))
	run(b, "second kernel", 3)
	if ready, spare := worker.Kept(b.l); ready != 2 || !spare || worker.Slots(b.l) != 3 {
		t.Errorf("second kernel, once the first is idle: keeps %d ready, spare %v, holds %d slots; want 2, a spare, 3", ready, spare, worker.Slots(b.l))
	}
	// A closed launcher frees its slots.
	b.l.Close()
	run(a, "first kernel", 4)
	if n := worker.Slots(a.l); n != 3 {
		t.Errorf("first kernel holds %d slots after the second closed, want 3", n)
	}
}

// TestIdleWaitsForDaemons: while a daemon the cells started runs, the
// kernel is not idle: OnIdle (which may end threads, and with them the
// Pdeathsig of the processes they started) waits until it has exited.
func TestIdleWaitsForDaemons(t *testing.T) {
	nb := newNotebook(t)
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true, Idle: 100 * time.Millisecond})
	idled := make(chan time.Time, 10)
	nb.l.OnIdle(func() { idled <- time.Now() })
	nb.declare(tutorialDecls)
	nb.declare(`func sleeper() { time.Sleep(1500 * time.Millisecond) }`)
	nb.declare(`var d *mp.Process`)
	if _, err := nb.run(context.Background(), `d = mp.NewProcess(sleeper); d.SetDaemon(true); d.Start()`); err != nil {
		t.Fatal(err)
	}
	pid, err := nb.in.Eval("d.Pid()")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-idled:
		if kerneltest.Running(int(pid.Int())) {
			t.Fatalf("OnIdle called at %v while the daemon %d runs", at, pid.Int())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("OnIdle not called after the daemon exited")
	}
}

// TestIdleBeforeCompiled: a compiled worker whose build ends after the
// kernel went idle starts no worker (the idle kernel keeps none until its
// next cell, as the policy says); the next cell's processes then run
// compiled, and its workers are back.
func TestIdleBeforeCompiled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a compiled worker")
	}
	nb := newNotebook(t)
	// The go command, held back until the kernel has gone idle (a build
	// takes seconds on a busy machine, but may not here with a warm cache).
	dir := t.TempDir()
	goOn := filepath.Join(dir, "go-on")
	goCmd := filepath.Join(dir, "go")
	script := fmt.Sprintf("#!/bin/sh\nwhile [ ! -e %q ]; do sleep 0.05; done\nexec %q \"$@\"\n", goOn, goroot.GoCommand())
	if err := os.WriteFile(goCmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := compiler.NewBuilder(filepath.Join(dir, "cache"), srctree.Dir(), goCmd, nil)
	if err != nil {
		t.Skipf("compiled workers unavailable here: %v", err)
	}
	nb.l.SetCompiler(b)
	ready := make(chan time.Time, 10)
	nb.l.SetLog(writerFunc(func(p []byte) (int, error) {
		if strings.Contains(string(p), "compiled worker ready") {
			ready <- time.Now()
		}
		return len(p), nil
	}))
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true, Idle: 100 * time.Millisecond})
	idled := make(chan time.Time, 10)
	nb.l.OnIdle(func() { idled <- time.Now() })
	nb.declare(tutorialDecls)
	nb.declare(`import "os"`)
	nb.declare(`func which() { fmt.Println(os.Getenv("` + worker.WorkerEnv + `")) }`)
	// The cell's end asks for the compiled worker, which takes seconds to
	// build; the kernel goes idle long before.
	if out, err := nb.run(context.Background(), `p := mp.NewProcess(which); p.Start(); p.Join()`); err != nil || out != "interpreted\n" {
		t.Fatalf("first cell: %q, %v; want interpreted", out, err)
	}
	select {
	case <-idled:
	case <-time.After(30 * time.Second):
		t.Fatal("OnIdle not called")
	}
	if err := os.WriteFile(goOn, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ready:
	case <-time.After(5 * time.Minute):
		t.Fatal("the compiled worker was not built")
	}
	time.Sleep(time.Second)
	if ready, spare := worker.Kept(nb.l); ready != 0 || spare {
		t.Errorf("idle kernel keeps %d ready workers, spare %v, after its compiled worker was built", ready, spare)
	}
	if kids := childPids(t); len(kids) != 0 {
		t.Errorf("idle kernel has children %v after its compiled worker was built", kids)
	}
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true}) // no idle time: the workers are checked next
	if out, err := nb.run(context.Background(), `p := mp.NewProcess(which); p.Start(); p.Join()`); err != nil || out != "compiled\n" {
		t.Errorf("cell after idle: %q, %v; want compiled", out, err)
	}
	nb.l.Prestart()
	if ready, spare := worker.Kept(nb.l); ready < 2 || !spare {
		t.Errorf("after the next cell: %d ready workers, spare %v; want them back", ready, spare)
	}
}
