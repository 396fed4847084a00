package worker_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

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

// TestReadyWorkersNicer: workers started in advance wait at a lower
// priority than the kernel (all their threads: SCHED_IDLE, nice +10), and
// the one a Start hands out runs its target at the kernel's (SCHED_OTHER), where the kernel may give it back
// (as root here, or with an RLIMIT_NICE that allows it).
func TestReadyWorkersNicer(t *testing.T) {
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
