package mp_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// TestMain makes the test binary a child when Process.Start re-executes it:
// children run their target instead of the tests.
func TestMain(m *testing.M) {
	mp.Main()
	os.Exit(m.Run())
}

func storeArgs(v *mp.Value, n int, s string, xs []int, m map[string]int, p point) {
	sum := n + len(s) + p.X + p.Y
	for _, x := range xs {
		sum += x
	}
	for _, x := range m {
		sum += x
	}
	v.Store(sum)
}

type point struct{ X, Y int }

func TestProcessArgs(t *testing.T) {
	v := mp.NewValue("i", 0)
	p := mp.NewProcess(storeArgs, v, 1, "abc", []int{10, 20}, map[string]int{"a": 100}, point{1000, 2000})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if got, want := v.Load(), 1+3+30+100+3000; got != want {
		t.Errorf("child stored %d, want %d", got, want)
	}
	if p.ExitCode() != 0 || p.IsAlive() || !p.Exited() {
		t.Errorf("after Join: exit code %d, alive %v, exited %v", p.ExitCode(), p.IsAlive(), p.Exited())
	}
	if p.Pid() == 0 || p.Pid() == os.Getpid() {
		t.Errorf("pid %d", p.Pid())
	}
}

func incrementLocked(v *mp.Value, lock *mp.Lock, n int) {
	for i := 0; i < n; i++ {
		lock.Lock()
		v.Store(v.Load() + 1)
		lock.Unlock()
	}
}

func incrementRacy(v, start *mp.Value, n int) {
	for start.Load() == 0 {
		runtime.Gosched()
	}
	for i := 0; i < n; i++ {
		v.Store(v.Load() + 1)
	}
}

func TestProcessLockedIncrements(t *testing.T) {
	const procs, n = 4, 2000
	v := mp.NewRawValue("i", 0)
	lock := mp.NewLock()
	var ps []*mp.Process
	for i := 0; i < procs; i++ {
		p := mp.NewProcess(incrementLocked, v, lock, n)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	for _, p := range ps {
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
	}
	if got := v.Load(); got != procs*n {
		t.Errorf("locked increments: got %d, want %d", got, procs*n)
	}

	racy, start := mp.NewRawValue("i", 0), mp.NewValue("i", 0)
	ps = ps[:0]
	for i := 0; i < procs; i++ {
		p := mp.NewProcess(incrementRacy, racy, start, 50000)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	start.Store(1)
	for _, p := range ps {
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("without the lock: %d of %d increments survived", racy.Load(), procs*50000)
}

func negate(a *mp.Array) {
	xs := a.Int32s()
	for i := range xs {
		xs[i] = -xs[i]
	}
}

func TestProcessArray(t *testing.T) {
	a := mp.NewArray("i", []int{1, 2, 3, 4, 5})
	p := mp.NewProcess(negate, a)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(a.Ints()); got != "[-1 -2 -3 -4 -5]" {
		t.Errorf("array after child: %s", got)
	}
}

func boom() { panic("boom") }

func sleepLong() { time.Sleep(time.Minute) }

func fail() error { return errors.New("no luck") }

func TestProcessExitCodes(t *testing.T) {
	p := mp.NewProcess(boom)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	err := p.Join()
	var ee *mp.ExitError
	if !errors.As(err, &ee) || ee.Code != 1 || !ee.Panic || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panicking child: Join = %v", err)
	}
	if p.ExitCode() != 1 {
		t.Errorf("panicking child: exit code %d, want 1", p.ExitCode())
	}

	p = mp.NewProcess(fail)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err == nil || !strings.Contains(err.Error(), "no luck") || p.ExitCode() != 1 {
		t.Errorf("failing child: Join = %v, exit code %d", err, p.ExitCode())
	}

	for _, tc := range []struct {
		stop func(*mp.Process) error
		code int
	}{
		{(*mp.Process).Kill, -9},
		{(*mp.Process).Terminate, -15},
	} {
		p := mp.NewProcess(sleepLong)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		if !p.IsAlive() {
			t.Error("sleeping child not alive")
		}
		if p.JoinTimeout(10 * time.Millisecond) {
			t.Error("JoinTimeout returned true for a sleeping child")
		}
		if err := tc.stop(p); err != nil {
			t.Fatal(err)
		}
		err := p.Join()
		if !errors.As(err, &ee) || ee.Code != tc.code || p.ExitCode() != tc.code {
			t.Errorf("stopped child: Join = %v, exit code %d, want %d", err, p.ExitCode(), tc.code)
		}
		if !p.JoinTimeout(0) || p.IsAlive() {
			t.Error("stopped child still alive")
		}
	}
}

func nothing() {}

type counter struct{ n int }

func (c counter) Run() {}

func add(a, b int) {}

func TestProcessMisuse(t *testing.T) {
	p := mp.NewProcess(nothing)
	if err := p.Join(); err == nil || !strings.Contains(err.Error(), "before Start") {
		t.Errorf("Join before Start: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Errorf("Start twice: %v", err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err != nil {
		t.Errorf("second Join: %v", err)
	}

	x := 1
	ch := make(chan int)
	for _, tc := range []struct {
		name   string
		target any
		args   []any
		want   string
	}{
		{"closure", func() { x++ }, nil, "closure"},
		{"method value", counter{}.Run, nil, "method value"},
		{"not a function", 42, nil, "must be a function"},
		{"too few", add, []any{1}, "takes 2 arguments"},
		{"wrong type", add, []any{1, "two"}, "wants a int, got a string"},
		{"does not fit", storeArgs, []any{mp.NewValue("i", 0), 1.5, "", []int{}, map[string]int{}, point{}}, "does not fit"},
		{"channel", func(c chan int) {}, nil, "closure"},
		{"channel arg", takesChan, []any{ch}, "channels work within one process"},
		{"closure in an argument", takesFunc, []any{func() { x++ }}, "only functions declared at the top level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mp.NewProcess(tc.target, tc.args...)
			err := p.Start()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Start = %v, want error containing %q", err, tc.want)
			}
			if p.Pid() != 0 {
				t.Errorf("a refused process got pid %d", p.Pid())
			}
		})
	}
}

func takesChan(c chan int)    {}
func takesFunc(f func())      {}
func takesFloat(f float64)    {}
func takesVariadic(xs ...int) {}
func takesAny(v *mp.Value, a any) {
	switch a := a.(type) {
	case []string:
		v.Store(len(a))
	case point:
		v.Store(a.X + a.Y)
	}
}

func TestProcessConversions(t *testing.T) {
	for _, tc := range []struct {
		target any
		args   []any
	}{
		{takesFloat, []any{1}},
		{takesVariadic, []any{1, 2, 3}},
		{takesVariadic, nil},
	} {
		p := mp.NewProcess(tc.target, tc.args...)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
	}
	v := mp.NewValue("i", 0)
	p := mp.NewProcess(takesAny, v, []string{"a", "b"})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if v.Load() != 2 {
		t.Errorf("any parameter: child saw %d strings, want 2", v.Load())
	}
	p = mp.NewProcess(takesAny, v, point{5, 6})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if v.Load() != 11 {
		t.Errorf("any parameter: child saw %d, want 11 from point{5, 6}", v.Load())
	}
}

func TestProcessNames(t *testing.T) {
	p := mp.NewProcess(nothing)
	if !strings.HasPrefix(p.Name(), "Process-") {
		t.Errorf("default name %q", p.Name())
	}
	p.SetName("worker")
	p.SetDaemon(true)
	if p.Name() != "worker" || !p.Daemon() {
		t.Errorf("name %q daemon %v", p.Name(), p.Daemon())
	}
	if s := p.String(); s != "<Process name='worker' initial daemon>" {
		t.Errorf("String = %s", s)
	}
	if mp.CurrentProcess().Name() != "MainProcess" {
		t.Errorf("CurrentProcess().Name() = %q", mp.CurrentProcess().Name())
	}
}

func TestStartMethods(t *testing.T) {
	if err := mp.SetStartMethod("fork"); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Errorf(`SetStartMethod("fork") = %v`, err)
	}
	if err := mp.SetStartMethod("forkserver"); err != nil {
		t.Fatal(err)
	}
	v := mp.NewValue("i", 0)
	for i := 0; i < 3; i++ {
		p := mp.NewProcess(incrementLocked, v, mp.NewLock(), 10)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
	}
	if v.Load() != 30 {
		t.Errorf("forkserver children counted to %d, want 30", v.Load())
	}
	if err := mp.SetStartMethod("spawn"); err != nil {
		t.Fatal(err)
	}
	// The pre-started child is gone.
	for i := 0; i < 100 && len(children()) > 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if kids := children(); len(kids) > 0 {
		t.Errorf("children left after leaving forkserver: %v", kids)
	}
}

func TestProcessMakeFuncTarget(t *testing.T) {
	fn := reflect.MakeFunc(reflect.TypeOf(nothing), func([]reflect.Value) []reflect.Value { return nil }).Interface()
	err := mp.NewProcess(fn).Start()
	if err == nil || !strings.Contains(err.Error(), "interpreted function") {
		t.Errorf("Start of a MakeFunc target = %v", err)
	}
}

// startSleeper starts a grandchild that sleeps, publishes its pid, and
// waits.
func startSleeper(pid *mp.Value) error {
	p := mp.NewProcess(sleepLong)
	if err := p.Start(); err != nil {
		return err
	}
	pid.Store(p.Pid())
	return p.Join()
}

// gone reports whether process pid has exited (it may linger as a zombie
// when nobody reaps orphans).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	return strings.HasPrefix(strings.TrimSpace(s[strings.LastIndexByte(s, ')')+1:]), "Z")
}

func TestChildDiesWithParent(t *testing.T) {
	pid := mp.NewValue("i", 0)
	p := mp.NewProcess(startSleeper, pid)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	for pid.Load() == 0 {
		if p.JoinTimeout(time.Millisecond) {
			t.Fatalf("middle process exited: %v", p.Join())
		}
	}
	p.Kill()
	p.Join()
	start := time.Now()
	for !gone(pid.Load()) {
		if time.Since(start) > 5*time.Second {
			syscall.Kill(pid.Load(), syscall.SIGKILL)
			t.Fatal("grandchild still running 5s after its parent was killed")
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("grandchild gone %v after its parent was killed", time.Since(start))
}

func TestProcessStartErrorIsFinal(t *testing.T) {
	p := mp.NewProcess(add, 1, "x")
	err1 := p.Start()
	err2 := p.Start()
	err3 := p.Join()
	if err1 == nil || err2 != err1 || err3 != err1 {
		t.Errorf("Start, Start, Join = %v, %v, %v; want the same error thrice", err1, err2, err3)
	}
}

// namingLauncher names every target "missing" and starts the test binary.
type namingLauncher struct{}

func (namingLauncher) Name(reflect.Value) (string, error) { return "missing", nil }

func (namingLauncher) Command() (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(exe), nil
}

// TestLauncherLookupFails uses a custom launcher whose children (this test
// binary, calling mp.Main) have no lookup function: Start reports the
// child's error, and Join reports it again.
func TestLauncherLookupFails(t *testing.T) {
	mp.SetLauncher(namingLauncher{})
	p := mp.NewProcess(nothing)
	mp.SetLauncher(nil)
	err := p.Start()
	if err == nil || !strings.Contains(err.Error(), "child cannot find missing") {
		t.Fatalf("Start = %v", err)
	}
	if err2 := p.Join(); err2 != err {
		t.Errorf("Join = %v, want Start's error", err2)
	}
	if kids := children(); len(kids) > 0 {
		t.Errorf("children left: %v", kids)
	}
}
