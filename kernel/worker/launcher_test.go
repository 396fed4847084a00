package worker_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// workerEnv makes the test binary a worker, as `gopherlab worker` is.
const workerEnv = "GOPHERLAB_WORKER_TEST"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		os.Exit(worker.Main(symbols.Symbols))
	}
	kerneltest.Main(m)
}

// cellOutput records what a cell and its processes write, in order.
type cellOutput = kerneltest.SyncBuffer

// notebook is a minimal stand-in for session.Session: an interpreter, the
// declarations so far, and the launcher hooks around each cell.
type notebook struct {
	t     testing.TB
	in    *interp.Interpreter
	out   *cellOutput // the running cell's
	mu    sync.Mutex
	decls []string
	l     *worker.Launcher
	raw   bool // run cells as written, without worker.RewriteCell
	cells int  // cells run so far, as the session counts executions

	cellStarted func() // if set, called as each cell starts (after CellStart)
}

// newNotebook returns a notebook whose workers are this test binary.
func newNotebook(t testing.TB) *notebook {
	return newNotebookWith(t, func() *exec.Cmd {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), workerEnv+"=1")
		return cmd
	})
}

// newNotebookWith returns a notebook whose launcher starts workers with
// command.
func newNotebookWith(t testing.TB, command func() *exec.Cmd) *notebook {
	nb := &notebook{t: t, out: &cellOutput{}}
	nb.in = interp.New(interp.Options{Stdout: writerFunc(func(p []byte) (int, error) { return nb.cellOut().Write(p) })})
	for _, s := range []interp.Exports{stdlib.Symbols(), symbols.Symbols, worker.Symbols} {
		if err := nb.in.Use(s); err != nil {
			t.Fatal(err)
		}
	}
	nb.l = worker.NewLauncher(command, nb.source)
	nb.l.SetInterp(nb.in)
	mp.SetLauncher(nb.l)
	t.Cleanup(func() {
		nb.l.Close()
		mp.SetLauncher(nil)
	})
	return nb
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (nb *notebook) cellOut() *cellOutput {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	return nb.out
}

func (nb *notebook) source() string {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	return "package main\n\n" + strings.Join(nb.decls, "\n\n") + "\n"
}

func (nb *notebook) rewrite(cell string) string {
	nb.mu.Lock()
	nb.cells++
	n := nb.cells
	nb.mu.Unlock()
	if nb.raw {
		return cell
	}
	return worker.RewriteCell(cell, nb.source(), n)
}

// declare runs a cell of declarations and adds it, as written, to the
// notebook's source, as the session does.
func (nb *notebook) declare(cell string) {
	nb.t.Helper()
	if _, err := nb.in.Eval(nb.rewrite(cell)); err != nil {
		nb.t.Fatalf("declare %q: %v", cell, err)
	}
	nb.mu.Lock()
	nb.decls = append(nb.decls, cell)
	nb.mu.Unlock()
}

// run runs a cell of statements as the session does: the launcher learns
// where its output goes, and the cell ends when its non-daemon processes
// have exited. It returns the cell's output and the launcher's error.
func (nb *notebook) run(ctx context.Context, cell string) (string, error) {
	nb.t.Helper()
	out := &cellOutput{}
	nb.mu.Lock()
	nb.out = out
	nb.mu.Unlock()
	nb.l.CellStart(out, out)
	if nb.cellStarted != nil {
		nb.cellStarted()
	}
	_, err := nb.in.EvalWithContext(ctx, nb.rewrite(cell))
	if err != nil && ctx.Err() == nil {
		nb.t.Fatalf("run %q: %v", cell, err)
	}
	err = nb.l.CellDone(ctx)
	return out.String(), err
}

const tutorialDecls = `import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)`

// TestTutorialPlainInt is the tutorial's first two programs: two processes
// add to a plain int under a lock. Each child has its own copy of number,
// the lock keeps one process's lines together, the parent's number is
// unchanged, and the cell ends after both children, "main end" first.
func TestTutorialPlainInt(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func add(number int, value int, lock *mp.Lock) {
	lock.Lock()
	defer lock.Unlock()
	fmt.Printf("init add%d number = %d\n", value, number)
	for i := 0; i < 5; i++ {
		number += value
		time.Sleep(20 * time.Millisecond)
		fmt.Printf("add%d number = %d\n", value, number)
	}
}`)
	nb.declare(`var number = 0`)
	out, err := nb.run(context.Background(), `
lock := mp.NewLock()
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
if err := p1.Start(); err != nil { panic(err) }
if err := p2.Start(); err != nil { panic(err) }
fmt.Println("main end")
`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	// "main end" usually comes first (the children start while the parent
	// prints), but that is a race; the children's lines are not.
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "main end" {
			lines = append(lines, line)
		}
	}
	if len(lines) != 12 || !strings.Contains(out, "main end\n") {
		t.Fatalf("want main end and 12 lines from the children, got %q", out)
	}
	// Under the lock each process prints its six lines together, starting
	// from its own copy of number (0).
	for _, block := range [][]string{lines[0:6], lines[6:12]} {
		var n int
		fmt.Sscanf(block[0], "init add%d", &n)
		want := []string{fmt.Sprintf("init add%d number = 0", n)}
		for i := 1; i <= 5; i++ {
			want = append(want, fmt.Sprintf("add%d number = %d", n, i*n))
		}
		if strings.Join(block, "\n") != strings.Join(want, "\n") {
			t.Errorf("lines of add%d interleaved or wrong:\n%s\nwant\n%s", n, strings.Join(block, "\n"), strings.Join(want, "\n"))
		}
	}
	if v, err := nb.in.Eval("number"); err != nil || v.Interface() != 0 {
		t.Errorf("parent's number = %v (%v), want 0: children must get copies", v, err)
	}
}

// TestTutorialSharedValueAndArray is the tutorial's last program: a shared
// Value incremented under a lock ends at 20, and an Array negated by a third
// process comes back negated.
func TestTutorialSharedValueAndArray(t *testing.T) {
	if !symbols.Symbols[worker.MPPath+"/mp"]["NewValue"].IsValid() {
		t.Skip("kernel/symbols has no bindings for mp.Value yet: regenerate them (go generate ./kernel/symbols)")
	}
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func add(number *mp.Value, value int, lock *mp.Lock) {
	lock.Lock()
	defer lock.Unlock()
	fmt.Printf("init add%d number = %d\n", value, number.Load())
	for i := 0; i < 5; i++ {
		number.Add(value)
		time.Sleep(5 * time.Millisecond)
		fmt.Printf("add%d number = %d\n", value, number.Load())
	}
}

func change(arr *mp.Array) {
	for i := 0; i < arr.Len(); i++ {
		arr.Store(i, -arr.Load(i))
	}
}`)
	out, err := nb.run(context.Background(), `
lock := mp.NewLock()
number := mp.NewValue("i", 0)
arr := mp.NewArray("i", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
p3 := mp.NewProcess(change, arr)
p1.Start()
p2.Start()
p3.Start()
fmt.Println(arr.Ints())
if err := p3.Join(); err != nil { panic(err) }
fmt.Println(arr.Ints())
fmt.Println("main end")
`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	if !strings.Contains(out, "[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]\nmain end\n") {
		t.Errorf("array not negated by the child:\n%s", out)
	}
	if m := regexp.MustCompile(`(?m)^add\d number = (\d+)$`).FindAllStringSubmatch(out, -1); len(m) != 10 || m[9][1] != "20" {
		t.Errorf("shared value does not end at 20:\n%s", out)
	}
	if v, err := nb.in.Eval("number.Load()"); err != nil || v.Interface() != 20 {
		t.Errorf("number.Load() in the parent = %v (%v), want 20", v, err)
	}
}

// TestJoinDeliversOutput checks that Join returns after what the child
// wrote has reached the cell: a line the parent prints after Join comes
// after all the child's lines, as in a Python program whose children share
// its stdout.
func TestJoinDeliversOutput(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func say(n int) {
	for i := 0; i < 300; i++ {
		fmt.Printf("child %d line %d of a few dozen bytes\n", n, i)
	}
}`)
	out, err := nb.run(context.Background(), `
for i := 0; i < 12; i++ {
	p := mp.NewProcess(say, i)
	if err := p.Start(); err != nil { panic(err) }
	if err := p.Join(); err != nil { panic(err) }
	fmt.Println("parent after join", i)
}`)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for n := 0; n < 12; n++ {
		for i := 0; i < 300; i++ {
			fmt.Fprintf(&want, "child %d line %d of a few dozen bytes\n", n, i)
		}
		fmt.Fprintf(&want, "parent after join %d\n", n)
	}
	if out != want.String() {
		i := 0
		for i < len(out) && i < len(want.String()) && out[i] == want.String()[i] {
			i++
		}
		t.Errorf("output differs from the order of writes at byte %d: got %q, want %q", i, out[i:min(len(out), i+120)], want.String()[i:min(want.Len(), i+120)])
	}
}

// TestCellWaitsForEveryChild starts non-daemon processes that outlive the
// wait for the daemon flag: the cell ends after the last of them, whose
// line is in the cell's output.
func TestCellWaitsForEveryChild(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func nap(n int) {
	time.Sleep(time.Duration(600+100*n) * time.Millisecond)
	fmt.Println("nap", n, "done")
}`)
	out, err := nb.run(context.Background(), `
for i := 0; i < 4; i++ {
	if err := mp.NewProcess(nap, i).Start(); err != nil { panic(err) }
}`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if line := fmt.Sprintf("nap %d done\n", i); !strings.Contains(out, line) {
			t.Errorf("the cell ended before process %d: output %q lacks %q", i, out, line)
		}
	}
}

// TestRefusedTargets checks that targets a child cannot find are refused
// before any process starts, with the reason.
func TestRefusedTargets(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`type T struct{}

func (T) Work() {}

func shadow() {}`)
	for _, tt := range []struct{ cell, want string }{
		{`f := func() {}; err := mp.NewProcess(f).Start(); fmt.Print(err)`, "f is a variable"},
		{`err := mp.NewProcess(func() { fmt.Println("x") }).Start(); fmt.Print(err)`, "cannot run a function literal"},
		{`err := mp.NewProcess(T{}.Work).Start(); fmt.Print(err)`, "method value"},
		{`shadow := func() { fmt.Println("closure") }; fmt.Print(mp.NewProcess(shadow).Start())`, "cannot run"},
	} {
		out, err := nb.run(context.Background(), tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, tt.want) || !strings.Contains(out, "top level") {
			t.Errorf("%s: got %q, want a message containing %q", tt.cell, out, tt.want)
		}
	}
}

// TestIdentifyWithoutRewrite runs targets that Rewrite did not mark: the
// launcher recognises top-level functions by their declaration and refuses
// the rest.
func TestIdentifyWithoutRewrite(t *testing.T) {
	nb := newNotebook(t)
	nb.raw = true
	nb.declare(tutorialDecls)
	nb.declare(`func hello(who string) { fmt.Println("hello,", who) }

func other(who string) { fmt.Println("other", who) }

type T struct{}

func (T) Work(who string) {}`)
	out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, "child"); p.Start(); p.Join()`)
	if err != nil || out != "hello, child\n" {
		t.Errorf("top-level function: output %q, error %v", out, err)
	}
	out, err = nb.run(context.Background(), `func() { p := mp.NewProcess(other, "x"); p.Start(); p.Join() }()`)
	if err != nil || out != "other x\n" {
		t.Errorf("top-level function passed inside a literal: output %q, error %v", out, err)
	}
	for _, tt := range []struct{ cell, want string }{
		{`f := func(s string) {}; fmt.Print(mp.NewProcess(f, "x").Start())`, "function literal"},
		{`fmt.Print(mp.NewProcess(T{}.Work, "x").Start())`, "not a top-level function"},
	} {
		out, err := nb.run(context.Background(), tt.cell)
		if err != nil || !strings.Contains(out, tt.want) {
			t.Errorf("%s: output %q, error %v; want a message containing %q", tt.cell, out, err, tt.want)
		}
	}
}

// TestGrandchild checks that a target can start processes of its own:
// they run in workers the worker starts (re-executing its own binary),
// with the same declarations and a Value shared by all three processes,
// and their output reaches the cell.
func TestGrandchild(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func leaf(v *mp.Value, n int) {
	v.Store(v.Load() + n)
	fmt.Println("leaf", n)
}

func mid(v *mp.Value) {
	p := mp.NewProcess(leaf, v, 10)
	if err := p.Start(); err != nil {
		panic(err)
	}
	if err := p.Join(); err != nil {
		panic(err)
	}
	fmt.Println("mid saw", v.Load())
}`)
	out, err := nb.run(context.Background(), `v := mp.NewValue("i", 1)
p := mp.NewProcess(mid, v)
if err := p.Start(); err != nil { panic(err) }
if err := p.Join(); err != nil { panic(err) }
fmt.Println("cell saw", v.Load())`)
	if want := "leaf 10\nmid saw 11\ncell saw 11\n"; err != nil || out != want {
		t.Errorf("output %q, error %v; want %q", out, err, want)
	}
}

// TestPanickingChild checks that a panic in a child shows in the cell,
// Join reports exit code 1, and a lock the child held is not left locked
// for the others.
func TestPanickingChild(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func boom(lock *mp.Lock) {
	lock.Lock()
	panic("boom in the child")
}`)
	out, err := nb.run(context.Background(), `
lock := mp.NewLock()
p := mp.NewProcess(boom, lock)
p.Start()
fmt.Println("join:", p.Join(), p.ExitCode())
ok := lock.LockTimeout(5 * time.Second)
fmt.Println("lock taken after the child died:", ok, lock.OwnerDied())
`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	for _, want := range []string{"boom in the child", "join: ", " 1\n", "lock taken after the child died: true true"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestInterruptStopsChildren cancels a cell waiting for a child that would
// run for a minute: the child is stopped, and no process is left.
func TestInterruptStopsChildren(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func sleeper() {
	fmt.Println("sleeping")
	time.Sleep(time.Minute)
}`)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Interrupt once the child runs (its output reached the cell).
		for !strings.Contains(nb.cellOut().String(), "sleeping") {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	out, err := nb.run(ctx, `
p := mp.NewProcess(sleeper)
p.Start()
`)
	t.Logf("output %q, error %v after %v", out, err, time.Since(start))
	if err == nil || !strings.Contains(err.Error(), "interrupted: stopped Process-") {
		t.Fatalf("CellDone error = %v, want one naming the stopped process", err)
	}
	v, err := nb.in.Eval("p.Pid()")
	if err != nil {
		t.Fatal(err)
	}
	waitGone(t, int(v.Int()))
	// Reaped is not yet recorded: Join waits for that (and the output).
	if _, err := nb.in.Eval("p.Join()"); err != nil {
		t.Fatal(err)
	}
	if v, err := nb.in.Eval("p.ExitCode()"); err != nil || v.Int() != -15 {
		t.Errorf("ExitCode() = %v (%v), want -15 (SIGTERM)", v, err)
	}
}

// TestDaemonOutlivesCell checks that a cell does not wait for a daemon, and
// that the daemon's later output still reaches the cell that started it.
func TestDaemonOutlivesCell(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func late(d time.Duration) {
	time.Sleep(d)
	fmt.Println("daemon done")
}`)
	first := &cellOutput{}
	nb.mu.Lock()
	nb.out = first
	nb.mu.Unlock()
	nb.l.CellStart(first, first)
	if _, err := nb.in.Eval(worker.Rewrite(`
p := mp.NewProcess(late, 300*time.Millisecond)
p.SetDaemon(true)
p.Start()
fmt.Println("cell end")`, nb.source())); err != nil {
		t.Fatal(err)
	}
	if err := nb.l.CellDone(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := first.String(); got != "cell end\n" {
		t.Errorf("cell output at its end = %q, want only %q (no wait for the daemon)", got, "cell end\n")
	}
	second, err := nb.run(context.Background(), `fmt.Println("second cell")`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nb.in.Eval("p.Join()"); err != nil {
		t.Fatal(err)
	}
	if got := first.String(); got != "cell end\ndaemon done\n" {
		t.Errorf("first cell output = %q, want the daemon's line in it", got)
	}
	if strings.Contains(second, "daemon") {
		t.Errorf("daemon output went to the second cell: %q", second)
	}
}

// TestPool maps a function declared in a cell over a Pool: the workers
// find it, and the cell does not wait for the pool's daemon workers.
func TestPool(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func square(x int) int { return x * x }`)
	out, err := nb.run(context.Background(), `
pool := mp.NewPool(2)
res, err := pool.MapInts(square, []int{1, 2, 3, 4})
fmt.Println(res, err)
`)
	if err != nil || out != "[1 4 9 16] <nil>\n" {
		t.Errorf("Pool.MapInts: output %q, error %v", out, err)
	}
	if out, err := nb.run(context.Background(), `pool.Close()`); err != nil {
		t.Errorf("pool.Close: %q, %v", out, err)
	}
}

// TestCloseLeavesNothing starts a child and a worker kept ready, closes the
// launcher (restart, shutdown), and checks that no process is left.
func TestCloseLeavesNothing(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func sleeper() { time.Sleep(time.Minute) }`)
	nb.declare(`var p *mp.Process`)
	if _, err := nb.run(context.Background(), `p = mp.NewProcess(sleeper); p.SetDaemon(true); p.Start()`); err != nil {
		t.Fatal(err)
	}
	v, err := nb.in.Eval("p.Pid()")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the next worker start
	kids := childPids(t)
	t.Logf("children before Close: %v (target pid %d)", kids, v.Int())
	if len(kids) < 1 {
		t.Fatalf("no child process found")
	}
	nb.l.Close()
	for _, pid := range kids {
		waitGone(t, pid)
	}
	if left := childPids(t); len(left) != 0 {
		t.Errorf("processes left after Close: %v", left)
	}
}

// childPids returns the pids of this process's children.
func childPids(t *testing.T) []int {
	t.Helper()
	self := os.Getpid()
	var pids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 2 && f[0] != "Z" && f[1] == strconv.Itoa(self) {
			pid, _ := strconv.Atoi(strings.Fields(s)[0])
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitGone waits until pid no longer exists (exited and reaped).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	t.Errorf("process %d still exists: %s", pid, b)
}

// TestSpareAfterChange: once the session has started a process, the
// launcher keeps a spare worker besides those ready with the current
// declarations. A cell that declares a function and starts it (the ready
// workers have the old declarations) gets the spare, which rebuilds the new
// declarations; the launcher then starts another spare, and Close leaves
// no process.
func TestSpareAfterChange(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func first() { fmt.Println("first") }`)
	out, err := nb.run(context.Background(), `p := mp.NewProcess(first); p.Start(); p.Join()`)
	if err != nil || out != "first\n" {
		t.Fatalf("first cell: %q, %v", out, err)
	}
	nb.l.Prestart() // returns once the workers and the spare have started
	spare := worker.SparePid(nb.l)
	if spare == 0 {
		t.Fatal("no spare worker after Prestart")
	}
	nb.declare(`func second(n int) { fmt.Println("second", n) }`)
	out, err = nb.run(context.Background(), `p := mp.NewProcess(second, 7); p.Start(); fmt.Println(p.Pid()); p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	// The child's line and the parent's may come in either order.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	sort.Strings(lines)
	if want := []string{strconv.Itoa(spare), "second 7"}; strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("second cell wrote %q, want the spare's pid (%d) and \"second 7\"", out, spare)
	}
	nb.l.Prestart()
	if next := worker.SparePid(nb.l); next == 0 || next == spare {
		t.Errorf("spare after the second cell: %d (the used one was %d)", next, spare)
	}
	kids := childPids(t)
	nb.l.Close()
	for _, pid := range kids {
		waitGone(t, pid)
	}
	if left := childPids(t); len(left) != 0 {
		t.Errorf("processes left after Close: %v", left)
	}
}

// TestSpareBeforeFirstStart: a notebook that imports package mp gets a spare
// worker at the end of a cell, before it starts any process, and its first
// Start uses it.
func TestSpareBeforeFirstStart(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(`import "fmt"`)
	if _, err := nb.run(context.Background(), `fmt.Println("no mp yet")`); err != nil {
		t.Fatal(err)
	}
	nb.l.Prestart()
	if pid := worker.SparePid(nb.l); pid != 0 {
		t.Errorf("spare worker %d for a notebook that does not import mp", pid)
	}
	nb.declare(`import "github.com/gopherlab/gopherlab/runtime/mp"`)
	nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	if _, err := nb.run(context.Background(), `fmt.Println("no process yet")`); err != nil {
		t.Fatal(err)
	}
	nb.l.Prestart() // returns once the spare has started
	spare := worker.SparePid(nb.l)
	if spare == 0 {
		t.Fatal("no spare worker once the notebook imports mp")
	}
	out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, 1); p.Start(); fmt.Println(p.Pid()); p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	sort.Strings(lines)
	if want := []string{strconv.Itoa(spare), "hello 1"}; strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("cell wrote %q, want the spare's pid (%d) and \"hello 1\"", out, spare)
	}
}

// TestSpareKilled: a Start whose spare worker was killed starts a worker
// instead.
func TestSpareKilled(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func hello(n int) { fmt.Println("hello", n) }`)
	if _, err := nb.run(context.Background(), `fmt.Println("no process yet")`); err != nil {
		t.Fatal(err)
	}
	nb.l.Prestart()
	spare := worker.SparePid(nb.l)
	if spare == 0 {
		t.Fatal("no spare worker once the notebook imports mp")
	}
	syscall.Kill(spare, syscall.SIGKILL)
	// Dead, though not reaped until the launcher discards it. A process
	// exits only once it runs: the spare, at SCHED_IDLE where its
	// priority can be given back (as root in CI), takes seconds on a busy
	// machine.
	for i := 0; !worker.SpareExited(nb.l); i++ {
		if i == 3000 {
			t.Fatalf("spare %d not seen exited after SIGKILL", spare)
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, err := nb.run(context.Background(), `p := mp.NewProcess(hello, 2); if err := p.Start(); err != nil { panic(err) }; p.Join()`)
	if err != nil || out != "hello 2\n" {
		t.Errorf("cell wrote %q, %v; want hello 2", out, err)
	}
}
