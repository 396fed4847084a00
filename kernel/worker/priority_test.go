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

// threadNices returns the nice values of the threads of pid.
func threadNices(t *testing.T, pid int) map[int]bool {
	t.Helper()
	nices := map[int]bool{}
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
	}
	return nices
}

// TestReadyWorkersNicer: workers started in advance wait at a lower
// priority than the kernel (all their threads), and the one a Start hands
// out runs its target at the kernel's, where the kernel may give it back
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
	nb.declare(`func niceness() { b, _ := os.ReadFile("/proc/self/stat"); s := string(b); fmt.Println("nice", strings.Fields(s[strings.LastIndex(s, ")")+2:])[16]) }`)
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
		if got := threadNices(t, pid); len(got) != 1 || !got[nice+10] {
			t.Errorf("worker %d started in advance runs at nice %v, want %d", pid, got, nice+10)
		}
	}
	out, err := nb.run(context.Background(), `p := mp.NewProcess(niceness); p.Start(); p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("nice %d\n", nice); out != want {
		t.Errorf("the target of a worker handed out printed %q, want %q", out, want)
	}
}
