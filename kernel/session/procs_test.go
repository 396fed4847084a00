package session

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// procsRecorder records a cell's streams in the order they arrive.
type procsRecorder struct {
	mu  sync.Mutex
	all strings.Builder
}

func (r *procsRecorder) Stream(name, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stderr" {
		text = "[stderr] " + text
	}
	r.all.WriteString(text)
	return nil
}

func (r *procsRecorder) Display(Display) error { return nil }
func (r *procsRecorder) Clear(bool) error      { return nil }

func (r *procsRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.all.String()
}

func TestMain(m *testing.M) { kerneltest.Main(m) }

func newProcsSession(t *testing.T) *Session {
	t.Helper()
	bin := kerneltest.Binary(t) // its worker subcommand runs the processes cells start
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnableProcesses(func() *exec.Cmd { return exec.Command(bin, "worker") }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.CloseProcesses()
		s.Close()
	})
	return s
}

func runProcsCell(t *testing.T, s *Session, ctx context.Context, code string) (string, error) {
	t.Helper()
	rec := &procsRecorder{}
	_, err := s.Execute(ctx, code, rec)
	return rec.String(), err
}

// The tutorial's programs, as cells. The sleeps are shorter than the
// tutorial's second.
const tutorialImports = `import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)`

const tutorialAddInt = `func add(number int, value int, lock *mp.Lock) {
	lock.Lock()
	defer lock.Unlock()
	fmt.Printf("init add%d number = %d\n", value, number)
	for i := 0; i < 5; i++ {
		number += value
		time.Sleep(20 * time.Millisecond)
		fmt.Printf("add%d number = %d\n", value, number)
	}
}`

// TestProcsTutorialPlainInt: two processes add to their copies of a plain
// int under a lock. The cell ends when both have exited; the lines of one
// process are not interleaved with the other's; the parent's number is
// still 0.
func TestProcsTutorialPlainInt(t *testing.T) {
	s := newProcsSession(t)
	out, err := runProcsCell(t, s, context.Background(), tutorialImports+"\n\n"+tutorialAddInt+`

lock := mp.NewLock()
number := 0
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
p1.Start()
p2.Start()
fmt.Println("main end")
`)
	if err != nil {
		t.Fatalf("cell failed: %v\n%s", err, out)
	}
	t.Logf("output:\n%s", out)
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "main end" {
			lines = append(lines, line)
		}
	}
	if len(lines) != 12 || !strings.Contains(out, "main end\n") {
		t.Fatalf("want main end and 12 lines from the children, got:\n%s", out)
	}
	for _, block := range [][]string{lines[:6], lines[6:]} {
		var n int
		fmt.Sscanf(block[0], "init add%d", &n)
		want := []string{fmt.Sprintf("init add%d number = 0", n)}
		for i := 1; i <= 5; i++ {
			want = append(want, fmt.Sprintf("add%d number = %d", n, i*n))
		}
		if got := strings.Join(block, "\n"); got != strings.Join(want, "\n") {
			t.Errorf("lines of add%d interleaved or wrong:\n%s\nin output:\n%s", n, got, out)
		}
	}
	out, err = runProcsCell(t, s, context.Background(), `fmt.Println("number =", number)`)
	if err != nil || out != "number = 0\n" {
		t.Errorf("parent's number after the children: %q, %v; want 0", out, err)
	}
}

// TestProcsTutorialValueArray: the tutorial's last program. A shared Value
// incremented under the lock ends at 20; an Array negated by a third
// process, joined by the parent, comes back negated.
func TestProcsTutorialValueArray(t *testing.T) {
	s := newProcsSession(t)
	if _, err := s.Interp().Eval(`import "github.com/gopherlab/gopherlab/runtime/mp"`); err == nil {
		if _, err := s.Interp().Eval(`mp.NewValue`); err != nil {
			t.Skip("kernel/symbols has no bindings for mp.Value yet: regenerate them (go generate ./kernel/symbols)")
		}
	}
	if out, err := runProcsCell(t, s, context.Background(), tutorialImports); err != nil {
		t.Fatal(err, out)
	}
	if out, err := runProcsCell(t, s, context.Background(), `func add(number *mp.Value, value int, lock *mp.Lock) {
	lock.Lock()
	defer lock.Unlock()
	fmt.Printf("init add%d number = %d\n", value, number.Load())
	for i := 0; i < 5; i++ {
		number.Add(value)
		time.Sleep(10 * time.Millisecond)
		fmt.Printf("add%d number = %d\n", value, number.Load())
	}
}

func change(arr *mp.Array) {
	for i := 0; i < arr.Len(); i++ {
		arr.Store(i, -arr.Load(i))
	}
}`); err != nil {
		t.Fatal(err, out)
	}
	out, err := runProcsCell(t, s, context.Background(), `
lock := mp.NewLock()
number := mp.NewValue("i", 0)
arr := mp.NewArray("i", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
p3 := mp.NewProcess(change, arr)
p1.Start()
p2.Start()
p3.Start()
p3.Join()
fmt.Println(arr.Ints())
fmt.Println("main end")
`)
	if err != nil {
		t.Fatalf("cell failed: %v\n%s", err, out)
	}
	t.Logf("output:\n%s", out)
	if !strings.Contains(out, "[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]\nmain end\n") {
		t.Errorf("array not negated:\n%s", out)
	}
	if m := regexp.MustCompile(`(?m)^add\d number = (\d+)$`).FindAllStringSubmatch(out, -1); len(m) != 10 || m[9][1] != "20" {
		t.Errorf("shared value does not end at 20:\n%s", out)
	}
	if out, err := runProcsCell(t, s, context.Background(), `fmt.Println(number.Load())`); err != nil || out != "20\n" {
		t.Errorf("number.Load() = %q, %v; want 20", out, err)
	}
}

// TestProcsRefusedClosure: a closure target is refused before any process
// starts, and the message says why and what to write.
func TestProcsRefusedClosure(t *testing.T) {
	s := newProcsSession(t)
	out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

x := 3
work := func() { fmt.Println(x) }
err := mp.NewProcess(work).Start()
fmt.Println(err)
`)
	if err != nil {
		t.Fatalf("cell failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "cannot run") || !strings.Contains(out, "top level of a cell") {
		t.Errorf("closure target: got %q", out)
	}
}

// TestProcsJoinIsNotDeadlock: a cell that waits in Join for a child that
// sleeps is waiting for another process, not deadlocked.
func TestProcsJoinIsNotDeadlock(t *testing.T) {
	s := newProcsSession(t)
	out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

func nap() { time.Sleep(1500 * time.Millisecond); fmt.Println("nap done") }

p := mp.NewProcess(nap)
p.Start()
fmt.Println("join:", p.Join())
`)
	if err != nil || out != "nap done\njoin: <nil>\n" {
		t.Errorf("output %q, error %v", out, err)
	}
}

// TestProcsInterrupt: interrupting a cell stops the processes it started,
// says so, and leaves none behind.
func TestProcsInterrupt(t *testing.T) {
	s := newProcsSession(t)
	if out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

func sleeper() { fmt.Println("sleeping"); time.Sleep(time.Minute) }

var p *mp.Process`); err != nil {
		t.Fatal(err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rec := &procsRecorder{}
	go func() {
		for !strings.Contains(rec.String(), "sleeping") {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	_, err := s.Execute(ctx, `p = mp.NewProcess(sleeper); p.Start(); fmt.Println("started")`, rec)
	t.Logf("output %q, error %v", rec.String(), err)
	if err == nil || !strings.Contains(err.Error()+rec.String(), "stopped Process-") {
		t.Errorf("interrupted cell: error %v, output %q; want the stopped process named", err, rec.String())
	}
	out, err := runProcsCell(t, s, context.Background(), `fmt.Println(p.Join(), p.ExitCode())`)
	if err != nil || !strings.Contains(out, "-15") {
		t.Errorf("after interrupt: %q, %v; want exit code -15", out, err)
	}
}

// TestProcsPanicAndDeadOwner: a child that panics while holding the lock
// exits 1 with its panic in the cell, and the lock goes to the next process
// instead of deadlocking it.
func TestProcsPanicAndDeadOwner(t *testing.T) {
	s := newProcsSession(t)
	out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

func boom(lock *mp.Lock) {
	lock.Lock()
	panic("boom while holding the lock")
}

func after(lock *mp.Lock) {
	lock.Lock()
	fmt.Println("after got the lock; owner died:", lock.OwnerDied())
	lock.Unlock()
}

lock := mp.NewLock()
p := mp.NewProcess(boom, lock)
p.Start()
fmt.Println("join:", p.Join(), "exit code", p.ExitCode())
q := mp.NewProcess(after, lock)
q.Start()
q.Join()
`)
	t.Logf("output:\n%s", out)
	if err != nil {
		t.Fatalf("cell failed: %v", err)
	}
	for _, want := range []string{"boom while holding the lock", "exit code 1", "after got the lock; owner died: true"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestProcsCloseLeavesNothing: closing the session's processes (restart,
// shutdown) ends running children and the worker kept ready.
func TestProcsCloseLeavesNothing(t *testing.T) {
	s := newProcsSession(t)
	out, err := runProcsCell(t, s, context.Background(), tutorialImports+`

func sleeper() { time.Sleep(time.Minute) }

p := mp.NewProcess(sleeper)
p.SetDaemon(true)
p.Start()
fmt.Println(p.Pid())
`)
	if err != nil {
		t.Fatal(err, out)
	}
	time.Sleep(300 * time.Millisecond) // the next worker starts in the background
	kids := procsChildren()
	if len(kids) == 0 {
		t.Fatal("no child processes")
	}
	s.CloseProcesses()
	for _, pid := range kids {
		for i := 0; ; i++ {
			if syscall.Kill(pid, 0) == syscall.ESRCH {
				break
			}
			if i == 300 {
				t.Errorf("process %d left after CloseProcesses", pid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// procsChildren returns the pids of this process's live children.
func procsChildren() []int {
	var pids []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		var pid int
		fmt.Sscan(s, &pid)
		if len(f) > 1 && f[0] != "Z" && f[1] == fmt.Sprint(os.Getpid()) {
			pids = append(pids, pid)
		}
	}
	return pids
}
