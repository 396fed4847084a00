package session

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/gopherlab/gopherlab/kernel/session/complete"
	"github.com/gopherlab/gopherlab/kernel/session/fmtshim"
	"github.com/gopherlab/gopherlab/kernel/session/lower"
	"github.com/gopherlab/gopherlab/kernel/symbols"
)

// Output receives what a cell produces. The kernel turns it into IOPub
// messages; tests record it. Methods may be called from any goroutine.
type Output interface {
	// Stream sends text written to "stdout" or "stderr".
	Stream(name, text string) error
	// Display sends rich output (display_data, or update_display_data when
	// d.Update is set).
	Display(d Display) error
	// Clear clears the cell's output (clear_output); with wait the clear
	// happens when the next output arrives.
	Clear(wait bool) error
}

// Inputter is implemented by an Output whose frontend accepts input
// (input_request on the stdin channel). Input returns the line typed.
type Inputter interface {
	Input(prompt string, password bool) (string, error)
}

// Display is one rich output: a MIME bundle with metadata and an optional
// display id.
type Display struct {
	Data     map[string]any
	Metadata map[string]any
	// ID is the display_id (transient), empty for none.
	ID string
	// Update marks an update_display_data of an earlier display with ID.
	Update bool
}

// Result is what a successful cell returns: the MIME bundle of its final
// expression, or nil Data when the cell ends in a statement.
type Result struct {
	Data     map[string]any
	Metadata map[string]any
}

// Error is a cell failure: a compile error, a panic or an interrupt.
// It becomes one Jupyter error message.
type Error struct {
	Name      string // ename, e.g. "CompileError", "panic", "Interrupted"
	Value     string // evalue, the message
	Traceback []string
}

// Error returns "Name: Value", as the traceback's first line reads.
func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Names of the errors a cell can end with ([Error.Name]).
const (
	ErrCompile     = "CompileError"
	ErrPanic       = "panic"
	ErrInterrupted = "Interrupted"
	ErrExit        = "Exit"
	ErrDeadlock    = "Deadlock"
	ErrInternal    = "InternalError"
)

// Options configures a Session. The zero value is a session with the
// standard library only.
type Options struct {
	// Symbols are extra packages that cells can import, as yaegi symbol
	// maps ("import/path/name" -> symbol -> value), for instance the
	// bindings of runtime/mp and kernel/display in kernel/symbols.
	Symbols []interp.Exports
}

// Session is the state of one notebook: its interpreter, declarations and
// history. Execute calls must not overlap; other methods are safe to call
// concurrently with Execute, including from code a cell runs.
type Session struct {
	opts Options
	mu   sync.Mutex // serialises Execute
	in   *interp.Interpreter
	fmt  *fmtshim.Shim // fmt and errors knowing the types cells declare

	route router
	std   stdUse // the standard packages given to in
	errw  *interpStderr
	stdin *stdin

	stMu sync.Mutex // guards st
	st   *state

	cells  atomic.Int64 // number of the current (or last) cell
	inputs atomic.Int64 // reads waiting for input
	timers timers

	resMu  sync.Mutex
	result *Result

	slot      int // slot of the session's sync types, -1 for none
	stopper   stopper
	stopOK    bool
	abandoned chan struct{} // an interrupted evaluation still running
	stopped   bool          // the last evaluation was stopped
	live      liveGoroutines

	cancelMu   sync.Mutex
	cancelCh   chan struct{}           // closed when the running cell is cancelled
	cellCancel context.CancelCauseFunc // cancels the running cell, nil between cells
	evalStop   func()                  // stops the running evaluation (see eval), or nil
	evalParked chan struct{}           // closed when the evaluation's goroutine parks for good (see exit)

	notesMu sync.Mutex
	notes   []string // goroutine panics to show in the next cell

	hookMu     sync.Mutex
	startHooks []func()
	endHooks   []func(ctx context.Context) error
	atEnd      []func() // the running cell's display.CellEnder calls, nil between cells
	inCell     bool     // a cell runs: atEnd takes calls
}

// New returns a Session with the standard library, the packages built into
// the kernel (runtime/mp and kernel/display, from kernel/symbols) and
// opts.Symbols loaded. It installs itself as the process's display sink:
// kernel/display output goes to the running cell (or the last one).
func New(opts Options) (*Session, error) {
	s := &Session{opts: opts, st: newState()}
	s.stdin = &stdin{s: s}
	s.errw = &interpStderr{w: streamWriter{&s.route, "stderr"}}
	in := interp.New(interp.Options{
		Stdin:  s.stdin,
		Stdout: streamWriter{&s.route, "stdout"},
		Stderr: s.errw,
		Args:   []string{"gopherlab"},
	})
	setSpecialStdio(in)
	over := s.overrides()
	if syms := s.claimSlot(); syms != nil {
		over["sync/sync"] = syms
	}
	s.fmt = fmtshim.New(streamWriter{&s.route, "stdout"})
	fmtExports := s.fmt.Exports()
	// The standard library first (the packages cells import come later,
	// see useImports), then what replaces parts of it.
	if err := s.std.use(in, eagerPaths(append([]interp.Exports{over, fmtExports, symbols.Symbols}, opts.Symbols...)...)...); err != nil {
		return nil, fmt.Errorf("session: load stdlib: %w", err)
	}
	if err := in.Use(over); err != nil {
		return nil, fmt.Errorf("session: load overrides: %w", err)
	}
	if err := in.Use(fmtExports); err != nil {
		return nil, fmt.Errorf("session: load fmt: %w", err)
	}
	if err := in.Use(symbols.Symbols); err != nil {
		return nil, fmt.Errorf("session: load kernel symbols: %w", err)
	}
	lower.AddSymbols(symbols.Symbols)
	for _, sym := range opts.Symbols {
		if err := in.Use(sym); err != nil {
			return nil, fmt.Errorf("session: load symbols: %w", err)
		}
		lower.AddSymbols(sym)
	}
	if err := in.Use(s.runtimeSymbols()); err != nil {
		return nil, fmt.Errorf("session: load runtime: %w", err)
	}
	if _, err := in.Eval(prelude); err != nil {
		return nil, fmt.Errorf("session: prelude: %w", err)
	}
	s.in = in
	s.stopper, s.stopOK = newStopper(in)
	display.SetSink(displaySink{s})
	preloadOnce.Do(func() { go lower.Preload(preload...) })
	return s, nil
}

// preload are the packages whose type information is loaded in the
// background when the first session starts, so that the first cell
// importing them is checked without delay.
var preload = []string{"fmt", "strings", "strconv", "errors", "os", "time", "math", "sort", "sync",
	"math/rand", "bufio", "slices", "maps", "unicode", "bytes", "io", "log"}

var preloadOnce sync.Once

// Stdout returns a writer whose text goes to the stdout stream of the
// running cell, or when no cell runs, of the last cell. The kernel copies
// what the process's file descriptor 1 receives into it.
func (s *Session) Stdout() io.Writer { return streamWriter{&s.route, "stdout"} }

// Stderr is like [Session.Stdout] for the stderr stream.
func (s *Session) Stderr() io.Writer { return streamWriter{&s.route, "stderr"} }

// Interp returns the interpreter that runs the cells, so that code in the
// same process can look up values cells declared, for instance
// s.Interp().Eval("add") for a function. Do not Eval on it while a cell is
// being compiled; lookups from code the cell runs are fine.
func (s *Session) Interp() *interp.Interpreter { return s.in }

// Source returns a Go source file of package main holding the notebook's
// live declarations in their latest versions: imports, consts, types,
// funcs, methods, package-level vars, and top-level x := ... turned into
// vars (typed when the type can be written, else with the original
// initialiser). Each declaration follows its doc comment, as written in
// its cell, so that Inspect shows it. It holds no statements. It is safe
// to call while a cell runs.
func (s *Session) Source() string {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	return s.st.source(nil)
}

// Idle lets go of what the session keeps only to check and run the next
// cell sooner: the type information of the packages cells imported and of
// the last cells checked (5-10 MiB in a notebook that uses runtime/mp), and
// the standard library's symbol maps the interpreter has copied. The next
// cell loads what it needs again, in a few milliseconds. The kernel calls
// it when it goes idle; the notebook's state is untouched, and it is safe
// to call while a cell runs (that cell keeps what it uses).
func (s *Session) Idle() {
	lower.Forget()
	stdlib.Forget()
}

// OnCellStart registers f to be called at the start of every cell, before
// its code runs.
func (s *Session) OnCellStart(f func()) {
	s.hookMu.Lock()
	s.startHooks = append(s.startHooks, f)
	s.hookMu.Unlock()
}

// OnCellEnd registers f to be called when a cell's code has returned (or
// failed), before Execute returns; output f produces still belongs to the
// cell. ctx is the cell's context: it is cancelled when the cell is
// interrupted. An error f returns becomes the cell's error when the cell
// had none, and is written to the cell's standard error when it had one.
func (s *Session) OnCellEnd(f func(ctx context.Context) error) {
	s.hookMu.Lock()
	s.endHooks = append(s.endHooks, f)
	s.hookMu.Unlock()
}

func (s *Session) cellNumber() int { return int(s.cells.Load()) }

// Execute runs one cell. Cancelling ctx interrupts it. A cell failure is
// returned as an *Error.
func (s *Session) Execute(ctx context.Context, code string, out Output) (res Result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cells.Add(1)
	s.route.set(out, true)
	defer s.route.set(out, false)
	s.stdin.reset()
	s.errw.take()
	s.setResult(nil)
	s.flushNotes()

	exec, ok := ctx.Value(execCountKey{}).(int)
	if !ok {
		exec = s.cellNumber()
	}
	s.stMu.Lock()
	s.st.exec = exec
	s.stMu.Unlock()

	s.hookMu.Lock()
	start, end := append([]func(){}, s.startHooks...), append([]func(context.Context) error{}, s.endHooks...)
	s.hookMu.Unlock()
	for _, f := range start {
		f()
	}
	s.hookMu.Lock()
	s.inCell, s.atEnd = true, nil
	s.hookMu.Unlock()

	s.waitAbandoned()
	cellCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s.cancelMu.Lock()
	s.cellCancel = cancel
	s.cancelMu.Unlock()
	defer func() {
		s.cancelMu.Lock()
		s.cellCancel = nil
		s.cancelMu.Unlock()
	}()
	stop := s.watchDeadlock(cellCtx, cancel)
	err = s.safeRun(cellCtx, []byte(code))
	stop()
	for _, f := range end {
		switch herr := f(cellCtx); {
		case herr == nil:
		case err == nil:
			err = asCellError(herr)
		default:
			// The cell's own error is the one shown: say on its standard
			// error what else happened.
			out.Stream("stderr", asCellError(herr).Value+"\n")
		}
	}
	s.cellEnded()
	if err != nil {
		return Result{}, err
	}
	return s.takeResult(), nil
}

type execCountKey struct{}

// WithExecutionCount returns a context for [Session.Execute] that tells
// the session the cell's execution count as the frontend shows it ("[3]"),
// which names the cell in [Session.Source] and tracebacks. Without it the
// session counts the cells it executed.
func WithExecutionCount(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, execCountKey{}, n)
}

// safeRun runs a cell, turning a panic of the session itself into an
// error so that nothing a learner writes can end the kernel.
func (s *Session) safeRun(ctx context.Context, code []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Name: ErrInternal, Value: fmt.Sprintf("gopherlab failed on this cell: %v", r),
				Traceback: []string{fmt.Sprintf("%s: gopherlab failed on this cell: %v", ErrInternal, r)}}
		}
	}()
	return s.run(ctx, code)
}

func asCellError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Name: "Error", Value: err.Error(), Traceback: []string{"Error: " + err.Error()}}
}

func (s *Session) setResult(r *Result) {
	s.resMu.Lock()
	s.result = r
	s.resMu.Unlock()
}

func (s *Session) takeResult() Result {
	s.resMu.Lock()
	defer s.resMu.Unlock()
	if s.result == nil {
		return Result{}
	}
	r := *s.result
	s.result = nil
	return r
}

// flushNotes shows what happened between cells (a goroutine's panic) at
// the top of the new cell.
func (s *Session) flushNotes() {
	s.notesMu.Lock()
	notes := s.notes
	s.notes = nil
	s.notesMu.Unlock()
	for _, n := range notes {
		s.route.stream("stderr", []byte(n))
	}
}

// note reports text on stderr of the running cell, or keeps it for the
// next cell when none runs.
func (s *Session) note(text string) {
	if _, running := s.route.current(); running {
		s.route.stream("stderr", []byte(text))
		return
	}
	s.notesMu.Lock()
	s.notes = append(s.notes, text)
	s.notesMu.Unlock()
}

// runtimeSymbols are the functions the prelude calls.
func (s *Session) runtimeSymbols() interp.Exports {
	return interp.Exports{
		"gopherlab/rt/rt": {
			"Show": reflect.ValueOf(s.show),
			"Rich": reflect.ValueOf(func(mime string, content any, v any) {
				data := map[string]any{"text/plain": s.formatValue(v)}
				if b, ok := content.([]byte); ok {
					content = base64.StdEncoding.EncodeToString(b)
				}
				data[mime] = content
				s.setResult(&Result{Data: data})
			}),
			"Go": reflect.ValueOf(s.goCall),
		},
	}
}

// show makes the value of a cell's final expression its Result. Values of
// compiled types (kernel/display, the standard library) with an HTML,
// Markdown, SVG, PNG or JPEG method become rich results; for types a cell
// declares, evalStmts calls those methods itself (yaegi's type switches
// on interpreted types with methods are unreliable).
//
// A nil interface value (a nil error or any) shows no result, as IPython
// shows nothing for None: a cell ending in p.Start() or os.Remove(path)
// that succeeded shows nothing, and so does a variable holding a nil
// error. A nil pointer, slice or map still shows nil: it has a type.
func (s *Session) show(v ...any) {
	if len(v) != 1 || isNilInterface(v[0]) {
		return
	}
	data, ok := display.Bundle(v[0])
	if !ok {
		data = map[string]any{}
	}
	data["text/plain"] = s.formatValue(v[0])
	s.setResult(&Result{Data: data})
}

// cellEnded calls what the cell asked to run at its end (display.CellEnder),
// after the end hooks: its processes have exited or been stopped, and what
// the calls display still belongs to the cell.
func (s *Session) cellEnded() {
	s.hookMu.Lock()
	fs := s.atEnd
	s.inCell, s.atEnd = false, nil
	s.hookMu.Unlock()
	for _, f := range fs {
		f()
	}
}

// displaySink sends kernel/display output to the running cell's Output,
// or the last cell's.
type displaySink struct{ s *Session }

func (d displaySink) Display(m display.Message) error {
	out, _ := d.s.route.current()
	if out == nil {
		return errors.New("session: no cell to display in")
	}
	return out.Display(Display{Data: m.Data, Metadata: m.Metadata, ID: m.ID, Update: m.Update})
}

// AtCellEnd makes f run once when the running cell ends, after its
// processes have exited or been stopped and before its reply, so that a
// live view's last picture (display.Watch) shows how they ended. It
// reports false when no cell runs.
func (d displaySink) AtCellEnd(f func()) bool {
	d.s.hookMu.Lock()
	defer d.s.hookMu.Unlock()
	if !d.s.inCell {
		return false
	}
	d.s.atEnd = append(d.s.atEnd, f)
	return true
}

func (d displaySink) Clear(wait bool) error {
	out, _ := d.s.route.current()
	if out == nil {
		return errors.New("session: no cell to clear")
	}
	return out.Clear(wait)
}

// prelude is evaluated in every new interpreter: helpers the rewritten
// cells call. Its names start with __gl.
const prelude = `import __glrt "gopherlab/rt"
` + fmtshim.Prelude + `
func __glshow(v ...any) {
	__glrt.Show(v...)
}
`

// IsComplete reports whether code is ready to run: status is "complete",
// "incomplete" (with the indent for the next line) or "invalid".
func (s *Session) IsComplete(code string) (status, indent string) {
	return isComplete(code)
}

// Complete returns completions for the text before cursor (a rune offset)
// and the rune range [start, end) of code they replace, from package
// complete with the notebook's declarations.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	return complete.Complete(code, cursor, s.Source())
}

// CompleteMatches is [Session.Complete] with what each match names and its
// signature.
func (s *Session) CompleteMatches(code string, cursor int) (matches []complete.Match, start, end int) {
	return complete.CompleteMatches(code, cursor, s.Source())
}

// Inspect returns help for the name at cursor as a MIME bundle, from
// package complete with the notebook's declarations.
func (s *Session) Inspect(code string, cursor, detail int) (data map[string]any, found bool) {
	return complete.Inspect(code, cursor, detail, s.Source())
}

// Close ends the session and anything it started: the processes its
// cells started, and its goroutines, which stop at their next step. The
// session must not be used afterwards.
func (s *Session) Close() error {
	err := s.CloseProcesses()
	if s.stopOK {
		s.stopper.arm()()
	}
	s.releaseSlot()
	return err
}
