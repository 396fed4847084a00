package worker_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gopherlab/gopherlab/kernel/worker"
)

// threadNices returns the nice values of the threads of pid, and their
// scheduling policies.
func threadNices(t *testing.T, pid int) (map[int]bool, map[uint32]bool) {
	t.Helper()
	nices, policies := map[int]bool{}, map[uint32]bool{}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		n, _ := strconv.Atoi(f[16])
		nices[n] = true
		tid, _ := strconv.Atoi(task.Name())
		if a, err := unix.SchedGetAttr(tid, 0); err == nil {
			policies[a.Policy] = true
		}
	}
	return nices, policies
}

// lowerableNice returns the test's nice value, and skips the test where
// workers started in advance cannot be given it back once made nicer.
func lowerableNice(t *testing.T) int {
	t.Helper()
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	nice := 20 - prio
	var r unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_NICE, &r)
	if os.Geteuid() != 0 && r.Cur != unix.RLIM_INFINITY && 20-int(r.Cur) > nice {
		t.Skipf("workers cannot be given the kernel's priority back here (RLIMIT_NICE %d, nice %d)", r.Cur, nice)
	}
	if nice+10 > 19 {
		t.Skipf("the test runs at nice %d", nice)
	}
	return nice
}

// TestReadyWorkersNicer: workers started in advance wait at a lower
// priority than the kernel (all their threads: SCHED_IDLE, nice +10), and
// the one a Start hands out runs its target at the kernel's (SCHED_OTHER), where the kernel may give it back
// (as root here, or with an RLIMIT_NICE that allows it).
func TestReadyWorkersNicer(t *testing.T) {
	nice := lowerableNice(t)
	nb := newNotebook(t)
	var logged strings.Builder
	nb.l.SetLog(&logged)
	nb.l.SetPolicy(worker.Policy{Ready: 2, Spare: true})
	nb.declare(tutorialDecls)
	nb.declare(`import ("os"; "strings")`)
	nb.declare(`func niceness() { b, _ := os.ReadFile("/proc/self/stat"); s := string(b); f := strings.Fields(s[strings.LastIndex(s, ")")+2:]); fmt.Println("nice", f[16], "policy", f[38]) }`)
	if out, err := nb.run(context.Background(), `p := mp.NewProcess(niceness); p.Start(); p.Join()`); err != nil || !strings.HasPrefix(out, "nice ") {
		t.Fatalf("first cell: %q, %v", out, err)
	}
	nb.l.Prestart()
	pids := worker.WarmPids(nb.l)
	if len(pids) == 0 {
		r, s := worker.Kept(nb.l)
		t.Fatalf("no worker kept ready (%d, %v; log: %s)", r, s, logged.String())
	}
	for _, pid := range pids {
		if got, pol := threadNices(t, pid); len(got) != 1 || !got[nice+10] || len(pol) != 1 || !pol[unix.SCHED_IDLE] {
			t.Errorf("worker %d started in advance runs at nice %v, policies %v, want %d and SCHED_IDLE", pid, got, pol, nice+10)
		}
	}
	out, err := nb.run(context.Background(), `p := mp.NewProcess(niceness); p.Start(); p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("nice %d policy 0\n", nice); out != want {
		t.Errorf("the target of a worker handed out printed %q, want %q", out, want)
	}
}

// TestWaitedWorkerPromoted: a Start that waits for a worker being started
// in advance gives it the kernel's priority even when the launcher learns
// of the worker only after the Start began to wait. (Lesson 02 failed in
// CI so: its second Start waited for two workers just being started, at
// SCHED_IDLE on a busy machine, and the first child had ended before the
// second began.) The workers are stopped in between, so that the test
// sees the promotion before they could become ready.
func TestWaitedWorkerPromoted(t *testing.T) {
	nice := lowerableNice(t)
	nb := newNotebook(t)
	nb.l.SetPolicy(worker.Policy{Ready: 2})
	nb.declare(tutorialDecls)
	nb.declare(`func hello(s string) { fmt.Println(s) }`)
	if out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, "one"); p.Start(); p.Join()`); err != nil || out != "one\n" {
		t.Fatalf("first cell: %q, %v", out, err)
	}
	nb.l.Prestart()
	// New declarations: the workers kept ready no longer fit, and the next
	// ones stop before the launcher knows them.
	nb.declare(`func hello2(s string) { hello(s + s) }`)
	release := make(chan struct{})
	pids := make(chan int, 16)
	worker.SetStartedInBackground(func(pid int) {
		syscall.Kill(pid, syscall.SIGSTOP)
		pids <- pid
		<-release
	})
	t.Cleanup(func() { worker.SetStartedInBackground(nil) })
	go nb.l.Prestart()
	stopped := []int{<-pids}
	defer func() {
		for _, pid := range stopped {
			syscall.Kill(pid, syscall.SIGCONT)
		}
	}()

	out := &cellOutput{}
	nb.l.CellStart(out, out)
	done := make(chan error, 1)
	go func() {
		_, err := nb.in.EvalWithContext(context.Background(), nb.rewrite(`p := mp.NewProcess(hello2, "two"); p.Start(); p.Join()`))
		done <- err
	}()
	for i := 0; worker.Waiting(nb.l) == 0; i++ {
		if i == 3000 {
			t.Fatal("the Start does not wait for the workers being started in advance")
		}
		time.Sleep(10 * time.Millisecond)
	}
	worker.SetStartedInBackground(nil)
	close(release)
	// Each worker is promoted as the launcher learns of it.
	for i := 0; ; i++ {
		got, pol := threadNices(t, stopped[0])
		if len(got) == 1 && got[nice] && len(pol) == 1 && pol[unix.SCHED_NORMAL] {
			break
		}
		if i == 1000 {
			t.Fatalf("the worker a Start waits for runs at nice %v, policies %v, want %d and SCHED_OTHER", got, pol, nice)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for len(pids) > 0 {
		stopped = append(stopped, <-pids)
	}
	for _, pid := range stopped {
		syscall.Kill(pid, syscall.SIGCONT)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := nb.l.CellDone(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.String() != "twotwo\n" {
		t.Errorf("the cell printed %q, want %q", out.String(), "twotwo\n")
	}
}
