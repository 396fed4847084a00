package mp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A Process runs a function (its target) in a separate OS process, like
// Python's multiprocessing.Process. Create one with [NewProcess], then
// [Process.Start] it and [Process.Join] it:
//
//	p := mp.NewProcess(add, number, 1, lock)
//	if err := p.Start(); err != nil { ... }
//	err := p.Join()
//
// The child gets copies of ordinary arguments (see Copying in the package
// documentation): changing them in the child leaves the parent's untouched.
// Shared objects passed as arguments, or inside them ([Lock], [Value],
// [Array], [Queue], [Conn] and the rest), are not copied: parent and child
// use the same lock or memory.
//
// Like an os/exec.Cmd, a Process is started once; Join may be called any
// number of times and returns the same result. Its methods are safe for
// concurrent use. A Process exists in the parent only; the child sees
// itself through [CurrentProcess].
type Process struct {
	mu      sync.Mutex
	name    string
	daemon  bool
	target  reflect.Value
	ref     targetRef
	args    []any
	err     error // from NewProcess, returned by Start
	current bool  // describes the running process (CurrentProcess)

	started bool
	child   *Child
	pid     int
	done    chan struct{} // closed when the child has exited and was reaped
	state   *os.ProcessState
	joinErr error
	failure report // the child's last panic or error report
}

var processCount atomic.Int64

// NewProcess returns a Process that will call target(args...) in a new
// process. target must be a top-level function (declared with func at
// package level), not a function literal, closure or method value: the
// child is a new run of the program and can only find functions by name.
// The arguments must suit target's parameters as in a direct call (an int
// constant may go to a float64 parameter) and be copyable or shared.
//
// Problems with target or args are reported by [Process.Start] (and Join),
// so that NewProcess has one result. The process is named Process-N, N
// counting from 1 in this program; see [Process.SetName].
func NewProcess(target any, args ...any) *Process {
	p := &Process{
		name: fmt.Sprintf("Process-%d", processCount.Add(1)),
		args: args,
	}
	p.target, p.ref, p.err = refTarget(target)
	if p.err == nil {
		p.err = checkArgs(p.ref.Name, p.target.Type(), args)
	}
	return p
}

// checkArgs checks arguments without encoding them.
func checkArgs(name string, ft reflect.Type, args []any) error {
	name = shortName(name)
	if err := checkArgCount(name, ft, len(args)); err != nil {
		return err
	}
	for i, a := range args {
		where := fmt.Sprintf("argument %d of %s", i+1, name)
		if a == nil {
			continue // argValue says more at Start
		}
		v, err := argValue(where, name, paramType(ft, i), a)
		if err != nil {
			return err
		}
		if err := checkCopyable(v.Type(), map[reflect.Type]bool{}); err != nil {
			return fmt.Errorf("mp: %s (a %s) cannot be copied to a child process: %w", where, v.Type(), err)
		}
	}
	return nil
}

// CurrentProcess returns the Process describing the running process, as
// Python's multiprocessing.current_process: in a child, its name is the
// one the parent gave it; in the main program it is "MainProcess". Only
// Name, Pid, Daemon and String are meaningful on it.
func CurrentProcess() *Process { return self }

// Name returns the process's name, Process-N unless set with SetName.
func (p *Process) Name() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.name
}

// SetName sets the name the process is known by, in the parent and (when
// set before Start) in the child through [CurrentProcess].
func (p *Process) SetName(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name = name
}

// Daemon reports whether the process is a daemon.
func (p *Process) Daemon() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.daemon
}

// SetDaemon marks the process as a daemon or not, before Start. As in
// Python, a daemon process is one its parent need not wait for: gopherlab's
// kernel ends a cell without waiting for the daemons the cell started. In a
// Go program every child, daemon or not, is killed when the parent exits
// (Go has no exit hooks): Join the others before main returns.
func (p *Process) SetDaemon(daemon bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.daemon = daemon
}

// Pid returns the child's process id, or 0 before Start.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pid
}

// Start starts the child process and returns once the target is about to
// run in it. It returns an error, and starts nothing, when the target or
// the arguments cannot go to a child, when the process was already started
// (a Process starts once: make a new one with [NewProcess]), or when the
// child cannot find the target.
func (p *Process) Start() error {
	if IsChild() {
		fmt.Fprintln(os.Stderr, "mp: this process was started as a child but never called mp.Main: "+errNoMain.Error())
		os.Exit(exitSetup)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current {
		return errors.New("mp: CurrentProcess cannot be started")
	}
	if p.started {
		return fmt.Errorf("mp: %s was already started; a process starts only once: make a new one with mp.NewProcess", p.name)
	}
	if p.err != nil {
		return p.err
	}
	p.err = p.launch()
	return p.err
}

// launch starts the child and hands it the target; p.mu is held.
func (p *Process) launch() error {
	ns := currentNamespace()
	w := newValueEncoder(copyArg, ns)
	w.child = p.name
	args, err := encodeArgs(w, shortName(p.ref.Name), p.target.Type(), p.args)
	if err == nil && ns != nil {
		err = p.encodeGlobals(w, ns)
	}
	if err != nil {
		w.unshare()
		w.closeBulk()
		return err
	}
	defer w.closeBulk()
	s := spec{Target: p.ref, Name: p.name, Daemon: p.daemon, Args: args, Shares: w.shareSpecs(), Globals: w.e.b, Notes: w.notes, Bulk: w.bulk != nil}
	msg := s.marshal()
	files := w.files()
	if w.bulk != nil {
		files = append(files, w.bulk)
	}
	c, err := newChild()
	if err != nil {
		w.unshare()
		return err
	}
	c.used = true
	if err := c.conn.send(msg, files, time.Time{}); err != nil {
		w.unshare()
		c.used = false
		c.Close()
		return fmt.Errorf("mp: send %s its target: %w", p.name, err)
	}
	r, err := readReport(c.conn, time.Time{})
	if err == nil && r.Kind == reportReady {
		r, err = readReport(c.conn, time.Time{})
	}
	if err != nil || r.Kind != reportStarted {
		// The child opened the shared objects, or never will.
		w.unshare()
		state, _ := waitChild(c)
		c.conn.close()
		if err == nil && r.Kind == reportError {
			return errors.New(r.Msg)
		}
		return fmt.Errorf("mp: %s exited (%v) before running %s: %w", p.name, state, shortName(p.ref.Name), errNoMain)
	}
	if c.started != nil {
		c.started(p.name, p.daemon)
	}
	p.started = true
	p.child = c
	p.pid = c.Pid()
	p.done = make(chan struct{})
	p.args = nil // the child has its copies; let the parent's go
	register(p)  // before wait can record its end
	go p.wait()
	return nil
}

// encodeGlobals encodes with w the variables the target reaches (all of
// them for a built-in target, a Pool's worker), as they are now: a count,
// the names, then the values. It leaves them in w.e.b.
func (p *Process) encodeGlobals(w *valueEncoder, ns Namespace) error {
	target := p.ref.Name
	if p.ref.Builtin != "" {
		target = ""
	}
	globals, err := ns.Globals(target)
	if err != nil {
		return err
	}
	w.e.b = w.e.b[:0]
	if len(globals) == 0 {
		return nil
	}
	w.e.uint(uint64(len(globals)))
	for _, g := range globals {
		w.e.string(g.Name)
	}
	w.mode = copyGlobal
	notes := len(w.notes)
	for _, g := range globals {
		if err := w.global(g.Name, g.Value); err != nil {
			return err
		}
	}
	if target == "" {
		w.notes = w.notes[:notes] // which of them the functions use is not known
	}
	return nil
}

func readReport(c *conn, deadline time.Time) (report, error) {
	payload, files, err := c.recv(deadline)
	if err != nil {
		return report{}, err
	}
	closeFiles(files)
	var r report
	if err := r.unmarshal(payload); err != nil {
		return report{}, fmt.Errorf("mp: bad report from child: %w", err)
	}
	return r, nil
}

func waitChild(c *Child) (*os.ProcessState, error) {
	err := c.cmd.Wait()
	if c.cmd.ProcessState != nil {
		return c.cmd.ProcessState, nil
	}
	return nil, err
}

// wait reaps the child and records how it ended.
func (p *Process) wait() {
	state, _ := waitChild(p.child)
	var failure report
	for {
		r, err := readReport(p.child.conn, time.Now())
		if err != nil {
			break
		}
		if r.Kind == reportPanic || r.Kind == reportFailed {
			failure = r
		}
	}
	p.child.conn.close()
	if p.child.exited != nil {
		p.child.exited()
	}
	p.mu.Lock()
	p.state = state
	p.failure = failure
	if code := exitCode(state); code != 0 {
		p.joinErr = &ExitError{Name: p.name, Code: code, Panic: failure.Kind == reportPanic, Msg: failure.Msg, ProcessState: state}
	}
	p.mu.Unlock()
	registerEnd(p)
	close(p.done)
}

func exitCode(state *os.ProcessState) int {
	if state == nil {
		return -1
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return state.ExitCode()
}

// Join waits for the process to exit. It returns nil when the target
// returned, an [*ExitError] when the child failed (the target panicked or
// returned an error, the child exited with a non-zero status, or a signal
// killed it), and Start's error when Start failed. Join before Start is an
// error. Join may be called more than once.
func (p *Process) Join() error {
	p.mu.Lock()
	done, err := p.done, p.notStarted()
	p.mu.Unlock()
	if err != nil {
		return err
	}
	<-done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.joinErr
}

func (p *Process) notStarted() error {
	if p.started {
		return nil
	}
	if p.err != nil {
		return p.err
	}
	return fmt.Errorf("mp: Join of %s before Start: call Start first", p.name)
}

// JoinTimeout waits at most d for the process to exit and reports whether
// it has exited; Join then returns how. Python writes this p.join(timeout).
// It returns false for a process that was not started.
func (p *Process) JoinTimeout(d time.Duration) bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// IsAlive reports whether the process was started and has not exited.
func (p *Process) IsAlive() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// ExitCode returns the child's exit status once it has exited and Join,
// JoinTimeout or IsAlive has seen it: 0 when the target returned, 1 when it
// panicked or returned an error, and -N when signal N killed it (-9 for
// [Process.Kill], -15 for [Process.Terminate]), as Python's exitcode. Before
// that it returns -1 (Python's None); Exited tells the cases apart.
func (p *Process) ExitCode() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == nil {
		return -1
	}
	return exitCode(p.state)
}

// Exited reports whether the process has exited and was reaped.
func (p *Process) Exited() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state != nil
}

// Terminate asks the process to stop with SIGTERM, which ends a Go child at
// once (exit code -15) unless its target handles the signal. Terminating a
// process that has exited does nothing.
func (p *Process) Terminate() error { return p.signal(syscall.SIGTERM) }

// Kill stops the process with SIGKILL (exit code -9), which cannot be
// caught. Killing a process that has exited does nothing.
func (p *Process) Kill() error { return p.signal(syscall.SIGKILL) }

func (p *Process) signal(sig os.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started {
		return fmt.Errorf("mp: cannot signal %s: it was not started", p.name)
	}
	if p.state != nil {
		return nil
	}
	if err := p.child.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("mp: signal %s: %w", p.name, err)
	}
	return nil
}

// String describes the process as Python prints one, for instance
// "<Process name='Process-1' pid=1234 started>" or
// "<Process name='Process-1' pid=1234 stopped exitcode=-9>".
func (p *Process) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, "<Process name='%s'", p.name)
	switch {
	case p.current:
		fmt.Fprintf(&b, " pid=%d current", p.pid)
	case !p.started:
		b.WriteString(" initial")
	case p.state == nil:
		fmt.Fprintf(&b, " pid=%d started", p.pid)
	default:
		fmt.Fprintf(&b, " pid=%d stopped exitcode=%d", p.pid, exitCode(p.state))
	}
	if p.daemon {
		b.WriteString(" daemon")
	}
	b.WriteString(">")
	return b.String()
}

// An ExitError reports a child process that failed: its target panicked or
// returned an error, it exited with a non-zero status, or a signal killed
// it. [Process.Join] returns it.
type ExitError struct {
	Name  string // the process's name
	Code  int    // the exit code: the status, or -N when signal N killed it
	Panic bool   // the target panicked
	Msg   string // the panic value or the returned error, as text
	*os.ProcessState
}

// Error describes the failure, for instance
// "mp: Process-1 exited with code 1: panic: boom".
func (e *ExitError) Error() string {
	switch {
	case e.Code < 0:
		return fmt.Sprintf("mp: %s was killed by signal %d (%s)", e.Name, -e.Code, syscall.Signal(-e.Code))
	case e.Panic:
		return fmt.Sprintf("mp: %s exited with code %d: panic: %s", e.Name, e.Code, e.Msg)
	case e.Msg != "":
		return fmt.Sprintf("mp: %s exited with code %d: %s", e.Name, e.Code, e.Msg)
	default:
		return fmt.Sprintf("mp: %s exited with code %d", e.Name, e.Code)
	}
}
