package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/session/fmtshim"
)

// exitSignal is what os.Exit and log.Fatal do in a cell: the cell ends,
// the kernel does not (see exit).
type exitSignal struct {
	code  int
	fatal bool // from log.Fatal
}

// exitCause is the cause a cell is cancelled with when it calls os.Exit
// or log.Fatal.
type exitCause struct{ sig exitSignal }

func (e *exitCause) Error() string { return "the cell called " + exitName(e.sig) }

// errDeadlock is the cause a cell is cancelled with when all its
// goroutines are blocked.
var errDeadlock = errors.New("all goroutines are asleep - deadlock!")

// overrides replaces standard library functions that would end or block
// the kernel process.
func (s *Session) overrides() interp.Exports {
	logger := log.New(s.Stderr(), "", log.LstdFlags)
	fatal := func(msg string) {
		logger.Output(3, msg)
		s.exit(exitSignal{code: 1, fatal: true})
	}
	return interp.Exports{
		"os/os": {
			"Exit": reflect.ValueOf(func(code int) { s.exit(exitSignal{code: code}) }),
		},
		"log/log": {
			"Fatal":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
			"Fatalf":  reflect.ValueOf(func(f string, v ...any) { fatal(fmt.Sprintf(f, v...)) }),
			"Fatalln": reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
		},
		"context/context": {
			"AfterFunc": reflect.ValueOf(func(ctx context.Context, f func()) (stop func() bool) {
				return context.AfterFunc(ctx, func() { defer s.recoverCallback("context.AfterFunc"); f() })
			}),
		},
		"time/time": {
			"Sleep":    reflect.ValueOf(s.sleep),
			"After":    reflect.ValueOf(func(d time.Duration) <-chan time.Time { s.timers.add(d); return time.After(d) }),
			"NewTimer": reflect.ValueOf(func(d time.Duration) *time.Timer { s.timers.add(d); return time.NewTimer(d) }),
			"AfterFunc": reflect.ValueOf(func(d time.Duration, f func()) *time.Timer {
				s.timers.add(d)
				return time.AfterFunc(d, func() { defer s.recoverCallback("time.AfterFunc"); f() })
			}),
			"Tick":      reflect.ValueOf(func(d time.Duration) <-chan time.Time { s.timers.forever(); return time.Tick(d) }),
			"NewTicker": reflect.ValueOf(func(d time.Duration) *time.Ticker { s.timers.forever(); return time.NewTicker(d) }),
		},
	}
}

// exit ends the running cell as os.Exit ends a program: at once, without
// running deferred calls, in any goroutine. The cell is cancelled with an
// exitCause, the interpreter stopped (every goroutine of the cell stops at
// its next step, as on an interrupt), and the calling goroutine parks for
// ever: unwinding it, by a panic or by returning, would run the deferred
// calls of compiled functions (defer fmt.Println(...)), which yaegi calls
// even when it is stopped. The parked goroutine holds no lock of the
// session or the interpreter; it is not counted by the deadlock check nor
// waited for by the next cell. With no cell running (a goroutine of an
// earlier cell) or no way to stop the interpreter, exit panics with the
// signal instead, as before: the goroutine's report says what happened.
func (s *Session) exit(sig exitSignal) {
	s.cancelMu.Lock()
	cancel, stop, parked := s.cellCancel, s.evalStop, s.evalParked
	s.cancelMu.Unlock()
	if cancel == nil || stop == nil {
		panic(sig)
	}
	s.route.mute()
	cancel(&exitCause{sig})
	stop()
	// Which goroutine parks: the one evaluating the cell (its evaluation
	// returns now), or one a go statement started (no longer live).
	buf := make([]byte, 64<<10)
	stack := buf[:runtime.Stack(buf, false)]
	switch {
	case bytes.Contains(stack, []byte("session.(*Session).eval.func")):
		close(parked)
	case bytes.Contains(stack, []byte("session.(*Session).goCall.func")):
		s.live.done()
	}
	parkForEver()
}

// parkForEver blocks the calling goroutine for good (see exit).
func parkForEver() {
	var never chan struct{}
	<-never
}

// sleep is time.Sleep for cells: an interrupt ends it.
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	s.timers.add(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.interrupted():
	}
}

// interrupted returns a channel closed when the running cell is cancelled.
func (s *Session) interrupted() <-chan struct{} {
	s.cancelMu.Lock()
	defer s.cancelMu.Unlock()
	if s.cancelCh == nil {
		s.cancelCh = make(chan struct{})
	}
	return s.cancelCh
}

// timers remembers until when a cell's timers may still wake a goroutine,
// so that waiting for one is not taken for a deadlock.
type timers struct {
	mu    sync.Mutex
	until time.Time
	tick  bool // a ticker runs: no deadlock can be told apart
}

func (t *timers) add(d time.Duration) {
	t.mu.Lock()
	if u := time.Now().Add(d); u.After(t.until) {
		t.until = u
	}
	t.mu.Unlock()
}

func (t *timers) forever() {
	t.mu.Lock()
	t.tick = true
	t.mu.Unlock()
}

func (t *timers) pending() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tick || time.Now().Before(t.until.Add(50*time.Millisecond))
}

// recoverCallback reports a panic in a function a cell gave to the
// standard library to call in a goroutine of its own.
func (s *Session) recoverCallback(what string) {
	if r := recover(); r != nil {
		s.goPanic("the function given to "+what, r)
	}
}

// goPanic reports a panic in a goroutine a cell started; the rewritten go
// statement recovered it.
func (s *Session) goPanic(where string, r any) {
	frames := s.errw.take()
	var b strings.Builder
	if ex, ok := r.(exitSignal); ok {
		fmt.Fprintf(&b, "a goroutine started at %s called %s; the goroutine ended, the kernel keeps running\n", where, exitName(ex))
		s.note(b.String())
		return
	}
	if where == "the function given to time.AfterFunc" || where == "the function given to context.AfterFunc" {
		fmt.Fprintf(&b, "panic in %s: %s\n(the kernel and your variables are kept)\n", where, s.panicText(r))
		s.note(b.String())
		return
	}
	fmt.Fprintf(&b, "panic in a goroutine started at %s: %s\n", where, s.panicText(r))
	for _, f := range frames {
		if f.fn == "main" {
			continue
		}
		fmt.Fprintf(&b, "\t%s, %s\n", funcName(f.fn), s.frameWhere(f))
	}
	b.WriteString("(the goroutine ended; the kernel and your variables are kept)\n")
	s.note(b.String())
}

func exitName(ex exitSignal) string {
	if ex.fatal {
		return "log.Fatal"
	}
	return fmt.Sprintf("os.Exit(%d)", ex.code)
}

// runtimeMessage words yaegi's reflect panics as Go's runtime errors.
func runtimeMessage(msg string) string { return fmtshim.RuntimeMessage(msg) }

// funcName names a function of a panic frame for a learner.
func funcName(fn string) string {
	if fn == "main.func" || strings.HasSuffix(fn, ".func") {
		return "a function literal (func() {...})"
	}
	return fn
}

// watchDeadlock cancels the cell with errDeadlock when every goroutine
// running interpreted code is blocked on channels, select or sync, no timer
// is pending and no input is awaited: Go's "all goroutines are asleep".
// The check looks at goroutine states from runtime.Stack, so it runs only
// after the cell has run a while, a few times a second.
func (s *Session) watchDeadlock(ctx context.Context, cancel context.CancelCauseFunc) (stop func()) {
	s.cancelMu.Lock()
	s.cancelCh = make(chan struct{})
	ch := s.cancelCh
	s.cancelMu.Unlock()
	s.timers.mu.Lock()
	s.timers.until, s.timers.tick = time.Time{}, false
	s.timers.mu.Unlock()

	// Neither closing ch on cancellation nor the check costs a goroutine
	// while the cell is short: a trivial cell hands nothing over.
	var (
		chMu      sync.Mutex
		chStopped bool
		chOnce    sync.Once
	)
	closeCh := func() { chOnce.Do(func() { close(ch) }) }
	stopClose := context.AfterFunc(ctx, func() {
		chMu.Lock()
		defer chMu.Unlock()
		if !chStopped {
			closeCh()
		}
	})
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	watch := time.AfterFunc(300*time.Millisecond, func() {
		defer wg.Done()
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		streak := 0
		buf := make([]byte, 1<<20)
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-tick.C:
			}
			if s.inputs.Load() > 0 || s.timers.pending() {
				streak = 0
				continue
			}
			var n int
			for {
				n = runtime.Stack(buf, true)
				if n < len(buf) || len(buf) >= 64<<20 {
					break
				}
				buf = make([]byte, 2*len(buf))
			}
			if allBlocked(buf[:n]) {
				streak++
			} else {
				streak = 0
			}
			if streak >= 3 {
				cancel(errDeadlock)
			}
		}
	})
	return func() {
		if watch.Stop() {
			wg.Done() // the check never started
		}
		close(done)
		wg.Wait()
		chMu.Lock()
		if ctx.Err() != nil {
			closeCh()
		}
		chStopped = true
		chMu.Unlock()
		stopClose()
	}
}

// waitingFrames mark a goroutine that waits for something outside the
// cell's goroutines: a timer, input, another process.
var waitingFrames = [][]byte{
	[]byte("session.(*Session).sleep"),
	[]byte("session.(*stdin).Read"),
	[]byte("github.com/gopherlab/gopherlab/runtime/"),
	[]byte("github.com/gopherlab/gopherlab/kernel/worker."),
	[]byte("os/exec."),
	[]byte("os.(*Process)"),
	[]byte("net."),
}

// allBlocked reports whether every goroutine in the dump that runs
// interpreted code is blocked for good, and there is at least one.
func allBlocked(dump []byte) bool {
	found := false
	for _, g := range bytes.Split(dump, []byte("\n\n")) {
		if !bytes.Contains(g, []byte("github.com/traefik/yaegi/interp.")) {
			continue
		}
		if bytes.Contains(g, []byte("(*Interpreter).EvalWithContext(")) && !bytes.Contains(g, []byte("interp.runCfg")) {
			continue // the kernel side waiting for the cell
		}
		if bytes.Contains(g, []byte("session.parkForEver(")) {
			continue // a goroutine that called os.Exit in an earlier cell
		}
		found = true
		header, _, _ := bytes.Cut(g, []byte("\n"))
		i, j := bytes.IndexByte(header, '['), bytes.IndexByte(header, ']')
		if i < 0 || j < i {
			return false
		}
		state := string(header[i+1 : j])
		if k := strings.IndexByte(state, ','); k >= 0 {
			state = state[:k]
		}
		blocked := strings.HasPrefix(state, "chan receive") || strings.HasPrefix(state, "chan send") ||
			strings.HasPrefix(state, "select") || strings.HasPrefix(state, "semacquire") ||
			strings.HasPrefix(state, "sync.")
		if !blocked {
			return false
		}
		for _, waiting := range waitingFrames {
			if bytes.Contains(g, waiting) {
				return false
			}
		}
	}
	return found
}
