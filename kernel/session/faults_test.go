package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// newTestSession returns a session holding x := 42.
func newTestSession(t *testing.T) *Session {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mustRun(t, s, "import (\"fmt\"; \"os\"; \"log\"; \"time\"; \"sync\")\nx := 42")
	return s
}

// mustRun executes code and fails the test on an error.
func mustRun(t *testing.T, s *Session, code string) (Result, *recorder) {
	t.Helper()
	rec := &recorder{}
	res, err := s.Execute(context.Background(), code, rec)
	if err != nil {
		t.Fatalf("%q: %v", code, err)
	}
	return res, rec
}

// cellError executes code that must fail and returns its *Error.
func cellError(t *testing.T, s *Session, ctx context.Context, code string) (*Error, *recorder) {
	t.Helper()
	rec := &recorder{}
	_, err := s.Execute(ctx, code, rec)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error = %v, want an *Error", code, err)
	}
	return e, rec
}

// stillAlive checks that the session answers and kept x.
func stillAlive(t *testing.T, s *Session) {
	t.Helper()
	res, _ := mustRun(t, s, "x")
	if got := res.Data["text/plain"]; got != "42" {
		t.Fatalf("x = %v after the fault, want 42", got)
	}
}

func TestGoroutinePanic(t *testing.T) {
	s := newTestSession(t)
	e, rec := cellError(t, s, context.Background(), `
var wg sync.WaitGroup
wg.Add(1)
go func() {
	defer wg.Done()
	var m map[string]int
	m["a"] = 1
}()
wg.Wait()
time.Sleep(200 * time.Millisecond) // the panicking goroutine ran wg.Done before the session recovered it
panic("after")`)
	if e.Name != ErrPanic {
		t.Errorf("error %v, want the cell's own panic", e)
	}
	_, stderr := rec.out()
	if !strings.Contains(stderr, "panic in a goroutine started at cell line 4") {
		t.Errorf("stderr = %q, want the goroutine's panic reported with its line", stderr)
	}
	stillAlive(t, s)

	// A goroutine in a function declared in a cell, panicking after the
	// cell ended: reported at the top of the next cell.
	mustRun(t, s, `func worker(d time.Duration) { time.Sleep(d); panic("late") }
go worker(50 * time.Millisecond)`)
	time.Sleep(300 * time.Millisecond)
	_, rec = mustRun(t, s, `fmt.Println("next")`)
	if _, stderr := rec.out(); !strings.Contains(stderr, "late") || !strings.Contains(stderr, "main.worker") {
		t.Errorf("next cell stderr = %q, want the late panic", stderr)
	}
	stillAlive(t, s)
}

func TestGoArgumentsEvaluatedAtGo(t *testing.T) {
	s := newTestSession(t)
	_, rec := mustRun(t, s, `
func show(i int, d time.Duration, wg *sync.WaitGroup) { defer wg.Done(); fmt.Println(i, d) }
var wg sync.WaitGroup
for i := 0; i < 3; i++ {
	wg.Add(1)
	go show(i*10, 2, &wg)
	time.Sleep(20 * time.Millisecond)
}
wg.Wait()`)
	if stdout, _ := rec.out(); stdout != "0 2ns\n10 2ns\n20 2ns\n" {
		t.Errorf("stdout = %q", stdout)
	}
}

func TestExit(t *testing.T) {
	s := newTestSession(t)
	e, _ := cellError(t, s, context.Background(), `fmt.Println("bye"); os.Exit(3)`)
	if e.Name != ErrExit || !strings.Contains(e.Value, "os.Exit(3)") {
		t.Errorf("error = %v", e)
	}
	stillAlive(t, s)
	e, rec := cellError(t, s, context.Background(), `log.Fatal("fatal thing")`)
	if e.Name != ErrExit || !strings.Contains(e.Value, "log.Fatal") {
		t.Errorf("error = %v", e)
	}
	if _, stderr := rec.out(); !strings.Contains(stderr, "fatal thing") {
		t.Errorf("stderr = %q, want the log message", stderr)
	}
	stillAlive(t, s)
}

// TestExitRunsNoDeferredCall: os.Exit ends the cell at once, as it ends a
// Go program: no deferred call runs, neither the caller's nor those of
// the cell's other goroutines, also when a goroutine calls it; what the
// cell's goroutines write afterwards is dropped; the next cell neither
// waits for the exited goroutine nor takes it for a deadlocked one.
func TestExitRunsNoDeferredCall(t *testing.T) {
	s := newTestSession(t)
	for _, code := range []string{
		"defer fmt.Println(\"deferred\")\nfunc() { defer fmt.Println(\"inner deferred\"); fmt.Println(\"bye\"); os.Exit(3) }()\nfmt.Println(\"after\")",
		"defer fmt.Println(\"deferred\")\nfor i := 0; i < 3; i++ { defer fmt.Println(\"loop deferred\", i) }\nfmt.Println(\"bye\")\nos.Exit(3)",
		"defer fmt.Println(\"deferred\")\ndone := make(chan bool)\ngo func() { defer fmt.Println(\"goroutine deferred\"); fmt.Println(\"bye\"); os.Exit(3) }()\n<-done",
		"var wg sync.WaitGroup\nwg.Add(1)\ngo func() { defer wg.Done(); defer fmt.Println(\"goroutine deferred\"); fmt.Println(\"bye\"); log.Fatal(\"fatal\") }()\ndefer fmt.Println(\"deferred\")\nwg.Wait()",
	} {
		start := time.Now()
		e, rec := cellError(t, s, context.Background(), code)
		if e.Name != ErrExit {
			t.Errorf("%q: error = %v, want Exit", code, e)
		}
		if stdout, _ := rec.out(); stdout != "bye\n" {
			t.Errorf("%q: stdout = %q, want only bye", code, stdout)
		}
		// The next cell: not delayed, not a deadlock.
		res, rec := mustRun(t, s, "ch := make(chan int, 1)\ngo func() { ch <- 7 }()\n<-ch")
		if got := res.Data["text/plain"]; got != "7" {
			t.Errorf("next cell = %v, want 7", got)
		}
		if stdout, _ := rec.out(); stdout != "" {
			t.Errorf("next cell printed %q", stdout)
		}
		if d := time.Since(start); d > 900*time.Millisecond {
			t.Logf("%q and the next cell took %v", code, d) // the machine may be loaded: logged, not failed
		}
	}
}

func TestDeadlock(t *testing.T) {
	s := newTestSession(t)
	for _, code := range []string{
		"ch := make(chan int)\nch <- 1",
		"select {}",
		"ch := make(chan int)\ndone := make(chan bool)\ngo func() { <-ch; done <- true }()\n<-done",
	} {
		e, _ := cellError(t, s, context.Background(), code)
		if e.Name != ErrDeadlock || !strings.Contains(e.Value, "all goroutines are asleep - deadlock!") {
			t.Errorf("%q: error = %v, want a deadlock", code, e)
		}
		stillAlive(t, s)
	}
	// Waiting on a timer is not a deadlock.
	res, _ := mustRun(t, s, "<-time.After(1200 * time.Millisecond)\n\"done\"")
	if res.Data["text/plain"] != `"done"` {
		t.Errorf("result = %v", res.Data)
	}
}

// TestDeadlockSync covers deadlocks in sync.WaitGroup and sync.Mutex:
// cells get versions of them that give up when the cell is stopped, so no
// goroutine stays blocked.
func TestDeadlockSync(t *testing.T) {
	s := newTestSession(t)
	for _, code := range []string{
		"var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()",
		"var mu sync.Mutex\nmu.Lock()\nmu.Lock()",
		"type C struct {\n\tsync.Mutex\n\tn int\n}\nc := &C{}\nc.Lock()\ngo func() { c.Lock(); c.n++; c.Unlock() }()\nc.Lock()",
	} {
		e, _ := cellError(t, s, context.Background(), code)
		if e.Name != ErrDeadlock {
			t.Errorf("%q: error = %v, want a deadlock", code, e)
		}
		stillAlive(t, s)
	}
	// They still work as Mutex and WaitGroup.
	res, _ := mustRun(t, s, `var mu sync.Mutex
var wg sync.WaitGroup
n := 0
for i := 0; i < 100; i++ {
	wg.Add(1)
	go func() {
		defer wg.Done()
		mu.Lock()
		n++
		mu.Unlock()
	}()
}
wg.Wait()
n`)
	if got := res.Data["text/plain"]; got != "100" {
		t.Errorf("n = %v, want 100", got)
	}
}

func TestBigOutput(t *testing.T) {
	s := newTestSession(t)
	_, rec := mustRun(t, s, `
line := "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
for i := 0; i < 100000; i++ {
	fmt.Println(line)
}`)
	stdout, _ := rec.out()
	if want := 101 * 100000; len(stdout) != want {
		t.Errorf("got %d bytes of output, want %d", len(stdout), want)
	}
	stillAlive(t, s)
}

func TestInterrupt(t *testing.T) {
	s := newTestSession(t)
	for _, code := range []string{
		"for {}",
		"time.Sleep(time.Hour)",
		"ch := make(chan int)\ngo func() { for { time.Sleep(time.Millisecond) } }()\n<-ch",
		"for i := 0; ; i++ { if i%1000000 == 0 { fmt.Print(\"\") } }",
	} {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(300 * time.Millisecond); cancel() }()
		e, _ := cellError(t, s, ctx, code)
		if e.Name != ErrInterrupted {
			t.Errorf("%q: error = %v, want interrupted", code, e)
		}
		stillAlive(t, s)
	}
}

func TestInput(t *testing.T) {
	s := newTestSession(t)
	rec := &inputRecorder{}
	rec.inputs = []string{"Ada", "7"}
	res, err := s.Execute(context.Background(), `var name string
fmt.Scanln(&name)
import "bufio"
r := bufio.NewReader(os.Stdin)
n, _ := r.ReadString('\n')
name + "/" + n`, rec)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Data["text/plain"]; got != `"Ada/7\n"` {
		t.Errorf("result = %v", got)
	}
	if len(rec.asked) != 2 {
		t.Errorf("asked %d times, want 2", len(rec.asked))
	}
	// Without an Inputter, reading ends at once with a message.
	res, plain := mustRun(t, s, "var w string\n_, err := fmt.Scanln(&w)\nerr")
	if got := res.Data["text/plain"]; got != "EOF" {
		t.Errorf("result = %v, want EOF", got)
	}
	if _, stderr := plain.out(); !strings.Contains(stderr, "input is not available: this frontend does not allow stdin") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestCallbackAndNestedGoroutinePanics(t *testing.T) {
	s := newTestSession(t)
	for _, tc := range []struct{ code, want string }{
		{"done := make(chan bool)\ngo func() {\n\tgo func() { defer close(done); panic(\"inner\") }()\n}()\n<-done\ntime.Sleep(100 * time.Millisecond)", "panic in a goroutine started at cell line 3: inner"},
		{"time.AfterFunc(time.Millisecond, func() { panic(\"in callback\") })\ntime.Sleep(200 * time.Millisecond)", "panic in the function given to time.AfterFunc: in callback"},
	} {
		_, rec := mustRun(t, s, tc.code)
		if _, stderr := rec.out(); !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: stderr = %q, want %q", tc.code, stderr, tc.want)
		}
		stillAlive(t, s)
	}
}

// BenchmarkInterrupt measures the time from cancelling a cell stuck in
// each way to Execute returning (the kernel's interrupt latency).
func BenchmarkInterrupt(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Execute(context.Background(), "import \"time\"", &recorder{}); err != nil {
		b.Fatal(err)
	}
	for _, code := range []string{"for {}", "time.Sleep(time.Hour)", "ch := make(chan int)\n<-ch"} {
		b.Run(strings.Fields(code)[0], func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				ctx, cancel := context.WithCancel(context.Background())
				var at time.Time
				go func() { time.Sleep(20 * time.Millisecond); at = time.Now(); cancel() }()
				s.Execute(ctx, code, &recorder{})
				total += time.Since(at)
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/interrupt")
		})
	}
}
