package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"
	"golang.org/x/sys/unix"

	"github.com/gopherlab/gopherlab/kernel/worker/compiler"
	"github.com/gopherlab/gopherlab/kernel/worker/native"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// The environment variables of a worker's link with its launcher (see
// package native, which holds the worker's side).
const (
	StatusEnv = native.StatusEnv
	SpareEnv  = native.SpareEnv
	CtrlEnv   = native.CtrlEnv
)

// statusWait is how long CellDone waits for a worker to say whether it is a
// daemon before it treats it as one. Process.Start reports it before it
// returns (mp.Child.Watch), so this wait only matters for a worker handed
// out by Child and not started by a Process.
const statusWait = 500 * time.Millisecond

// Grace is how long [Launcher.Stop] waits after SIGTERM before it kills
// children with SIGKILL.
const Grace = 500 * time.Millisecond

// Launcher is the kernel's [mp.Launcher]: it starts workers (the gopherlab
// binary in worker mode) that rebuild the notebook's declarations and run
// the targets of [mp.Process] declared in cells. It implements
// [mp.ChildSource], handing out a worker started in advance with the current
// declarations when it has one.
//
// A Launcher follows the cells of a session: [Launcher.CellStart] tells it
// where the running cell's output goes, and [Launcher.CellDone] waits for the
// non-daemon processes the cell started. Its methods are safe for
// concurrent use.
type Launcher struct {
	cmd    func() *exec.Cmd
	source func() string
	in     *interp.Interpreter

	mu           sync.Mutex
	stdout       io.Writer // the current cell's
	stderr       io.Writer
	cell         int
	used         bool           // a process was started: keep workers ready from now on
	warm         []*child       // workers started in advance and ready, oldest first
	warming      map[string]int // workers being started in advance, by declarations
	waiting      map[string]int // Starts waiting for one of those, by declarations
	changed      chan struct{}  // closed (and replaced) when one of those is ready or failed
	cellStarts   int            // processes the running cell started
	lastStarts   int            // processes the last cell that started any started
	starting     int            // workers being started for Child
	children     map[*child]bool
	procs        map[*child]bool // every worker started that has not exited
	closed       bool
	spare        *child            // a started worker waiting for its declarations
	spareStarts  bool              // a spare is being started
	lowSrc, low  string            // the last source and its Lower
	compiler     *compiler.Builder // builds compiled workers (compiled.go), or nil
	buildSrc     string            // the declarations a compiled worker was last asked for
	neededSrc    [2]string         // the last declarations and what of them a compiled worker needs
	waitCompiled bool              // Start waits for the compiled worker (CompiledEnv "wait")
	noPrestart   bool              // no worker kept ready (SetPrestart)
	inherit      bool              // children write straight to this process's stdout and stderr
	pipes        *cellPipes        // the current cell's, made at its first process
	pol          policyState       // which workers to keep in advance, and for how long (policy.go)

	log io.Writer // the kernel's log: messages about the workers' plumbing

	nsMu        sync.Mutex // guards what follows: the Namespace's caches (vars.go, types.go)
	nss         *nsState
	boxDeclared bool // the interpreter has the variables Box uses
}

// NewLauncher returns a Launcher whose workers run cmd (a new command each
// time, for instance the gopherlab binary with the argument "worker") and
// rebuild the declarations source returns at the time they start. Output
// goes to os.Stdout and os.Stderr until the first [Launcher.CellStart].
func NewLauncher(cmd func() *exec.Cmd, source func() string) *Launcher {
	l := &Launcher{cmd: cmd, source: source, stdout: os.Stdout, stderr: os.Stderr, children: map[*child]bool{}}
	l.pol.p = DefaultPolicy
	l.pol.p.pool = defaultPool
	active.Store(l)
	return l
}

// SetLog sets where l writes what goes wrong in its workers' plumbing and
// tells the learner nothing (the kernel's log). By default it goes to the
// standard logger (package log), which the kernel points at its own log:
// standard error is the running cell's there.
func (l *Launcher) SetLog(w io.Writer) {
	l.mu.Lock()
	l.log = w
	l.mu.Unlock()
}

// logf writes a message to the kernel's log.
func (l *Launcher) logf(format string, args ...any) {
	l.mu.Lock()
	w := l.log
	l.mu.Unlock()
	if w == nil {
		log.Printf("gopherlab: "+format, args...)
		return
	}
	fmt.Fprintf(w, "gopherlab: "+format+"\n", args...)
}

// SetInterp lets l name targets that [Rewrite] did not mark, by finding
// their declarations among the top-level functions of in, the interpreter
// that runs the cells. Call it before the first process starts.
func (l *Launcher) SetInterp(in *interp.Interpreter) { l.in = in }

// Name returns the name by which a worker finds target: the name
// [Rewrite] marked it with (see [Resolve]), or, with [Launcher.SetInterp],
// the top-level function of the notebook it is. Otherwise it returns a
// [*TargetError] saying why target cannot run in a child.
func (l *Launcher) Name(target reflect.Value) (string, error) {
	name, err := Resolve(target)
	var te *TargetError
	switch {
	case l.in == nil || errors.As(err, &te) && te.Target != "":
		return name, err // named, or refused for a reason the mark gives
	case err == nil:
		// The mark names what was written; check it is that function and not
		// a local variable of the same name holding a closure.
		if kind, id := inspect(target); kind == kindLiteral || kind == kindDeclared && declName(l.in, id) != name {
			_, err := identify(target, l.in)
			if err == nil {
				err = &TargetError{Reason: "mp: " + name + " here is not the top-level function " + name + ": a child process cannot run it. " + how}
			}
			return "", err
		}
		return name, nil
	}
	return identify(target, l.in)
}

// Command returns a worker command. It is used only by code that calls it
// directly: Process.Start uses [Launcher.Child].
func (l *Launcher) Command() (*exec.Cmd, error) {
	cmd := l.cmd()
	cmd.Stdin = strings.NewReader(l.source())
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd, nil
}

// Child returns a worker ready for its target: the one started in advance if
// it has the current declarations (waiting for it if it is still starting),
// else the spare, a worker started in advance that has not read any
// declarations yet, given the current ones (a cell that declares a function
// and starts it does not wait for a new worker to start), or a new one. The
// worker's output goes to the running cell. Once the process started with it runs its target,
// the launcher starts the next workers in the background.
func (l *Launcher) Child() (*mp.Child, error) {
	src := l.source()
	if err := l.awaitCompiled(src); err != nil {
		return nil, err
	}
	l.settleBuild(src)
	var c, spare *child
	var stale []*child
	l.mu.Lock()
	for {
		if l.closed {
			l.mu.Unlock()
			closeAll(stale)
			return nil, errors.New("worker: the session is closed")
		}
		l.used = true
		keep := l.warm[:0]
		for _, w := range l.warm {
			switch {
			case !l.fits(w, src):
				stale = append(stale, w)
			case c == nil:
				c = w
			default:
				keep = append(keep, w)
			}
		}
		l.warm = keep
		if c == nil && l.spare != nil && !l.compiledFor(src) {
			select {
			case <-l.spare.done: // it died: start a worker instead
				stale = append(stale, l.spare)
			default:
				c, spare = l.spare, l.spare
			}
			l.spare = nil
		}
		if c != nil {
			c.taken = true // not one being started in advance any more (idle)
			break
		}
		if l.warming[src] == 0 {
			break
		}
		// One is being started: wait for it, at the kernel's priority
		// now that a cell waits (started in the background, it could
		// wait for a busy machine's last idle moment). Those not yet
		// started are promoted by start, which sees l.waiting.
		for w := range l.procs {
			if w.src == src && w != l.spare {
				w.foreground()
			}
		}
		if l.waiting == nil {
			l.waiting = map[string]int{}
		}
		l.waiting[src]++
		ch := l.changedLocked()
		l.mu.Unlock()
		<-ch
		l.mu.Lock()
		if l.waiting[src]--; l.waiting[src] == 0 {
			delete(l.waiting, src)
		}
	}
	l.cellStarts++
	l.mu.Unlock()
	go closeAll(stale) // not on the way of this start (Stop kills them too)
	if c != nil {
		c.foreground()
	}
	if spare != nil {
		spare.src = src
		if err := spare.feed(l.lowered(src)); err != nil {
			spare.close()
			c = nil
		}
	}
	if c == nil {
		l.mu.Lock()
		l.starting++
		l.mu.Unlock()
		var err error
		c, err = l.start(src, false, false)
		l.mu.Lock()
		l.starting--
		l.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	l.mu.Lock()
	c.cell = l.cell
	c.handed = time.Now()
	c.stdout.bind(l.stdout)
	c.stderr.bind(l.stderr)
	var err error
	if l.pipes == nil {
		l.pipes, err = newCellPipes(l.stdout, l.stderr)
	}
	if err == nil && c.ctrl != nil {
		err = sendFiles(c.ctrl, l.pipes.outW, l.pipes.errW)
		c.ctrl.Close()
	}
	if err != nil {
		l.mu.Unlock()
		c.close()
		return nil, fmt.Errorf("worker: give the worker the cell's output: %w", err)
	}
	l.children[c] = true
	pipes := l.pipes
	l.mu.Unlock()
	c.child.Watch(func(name string, daemon bool) {
		c.setStatus(name, daemon)
		// Start the next workers once this one runs its target, not while
		// it still rebuilds the declarations and competes for the CPU.
		go l.Prestart()
	}, func() {
		// Join returns once what the worker wrote has reached the cell.
		select {
		case <-c.done:
		case <-time.After(2 * time.Second):
		}
		if pipes != nil {
			pipes.drain()
		}
	})
	go func() {
		<-c.done
		l.mu.Lock()
		delete(l.children, c)
		l.mu.Unlock()
	}()
	return c.child, nil
}

// SetStartMethod answers mp.SetStartMethod in a cell. Children of cells
// always start as with Python's "fork" on Linux: from a worker kept ready,
// given the notebook's variables as they are at Start. "fork" is accepted;
// "spawn" and "forkserver", which would start children from the
// declarations alone, are refused with an error saying so.
func (l *Launcher) SetStartMethod(method string) error {
	switch method {
	case "fork":
		return nil
	case "spawn", "forkserver":
		return fmt.Errorf(`mp: a notebook's children always start as with "fork": each gets a copy of the variables its function uses, as they are at Start, and shares the mp objects among them; %q, which starts a child from the declarations alone, is for compiled programs`, method)
	}
	return fmt.Errorf(`mp: unknown start method %q; a notebook's children start as with "fork"`, method)
}

// Running returns the number of processes started through l that have not
// exited yet, counting workers being started: a cell waiting for any of
// them is waiting for another process.
func (l *Launcher) Running() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.children) + l.starting
	for _, k := range l.warming {
		n += k
	}
	return n
}

// CellStart tells l that a cell starts and that the processes it starts
// write to stdout and stderr (also after the cell ends, for daemons).
func (l *Launcher) CellStart(stdout, stderr io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cell++
	l.busyLocked()
	if l.cellStarts > 0 {
		l.lastStarts, l.cellStarts = l.cellStarts, 0
	}
	l.stdout, l.stderr = stdout, stderr
	if l.pipes != nil {
		l.pipes.closeWriters()
		l.pipes = nil
	}
}

// CellDone waits until every non-daemon process started since
// [Launcher.CellStart] has exited and its output has been forwarded, as a
// Python program waits for its children at exit. When ctx is cancelled
// (the cell is interrupted) it stops all processes the cell started, daemons
// included, with [Launcher.Stop], and returns an error that names them. It
// then starts a worker with the declarations as they are now, if the session
// uses processes.
func (l *Launcher) CellDone(ctx context.Context) error {
	begin := time.Now()
	defer func() {
		l.mu.Lock()
		l.idleLocked()
		l.mu.Unlock()
		go l.Prestart()
	}()
	l.mu.Lock()
	cell := l.cell
	var kids []*child
	for c := range l.children {
		if c.cell == cell {
			kids = append(kids, c)
		}
	}
	l.mu.Unlock()
	for _, c := range kids {
		// Process.Start has said whether the worker is a daemon before it
		// returned; a worker that Start did not use is treated as one once
		// statusWait has passed. Ask first without the timer: once the
		// wait for earlier children has outlasted statusWait, the timer is
		// ready at once, and select would pick it half of the time.
		if !c.hasStatus() {
			select {
			case <-c.known:
			case <-c.done:
			case <-ctx.Done():
			case <-time.After(time.Until(latest(c.handed, begin).Add(statusWait))):
				if !c.hasStatus() {
					continue
				}
			}
		}
		if c.isDaemon() {
			continue
		}
		select {
		case <-c.done:
		case <-ctx.Done():
		}
	}
	l.mu.Lock()
	pipes := l.pipes
	l.mu.Unlock()
	if ctx.Err() == nil {
		if pipes != nil {
			pipes.drain()
		}
		return nil
	}
	stopped := l.stop(kids)
	if pipes != nil {
		pipes.drain()
	}
	if len(stopped) == 0 {
		return nil
	}
	return fmt.Errorf("interrupted: stopped %s", strings.Join(stopped, ", "))
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Stop ends every process started through l and the worker kept ready:
// SIGTERM, then SIGKILL for those still running after [Grace]. It waits for
// them to exit.
func (l *Launcher) Stop() {
	l.mu.Lock()
	var kids []*child
	for c := range l.children {
		kids = append(kids, c)
	}
	warm := l.warm
	l.warm = nil
	if l.spare != nil {
		warm, l.spare = append(warm, l.spare), nil
	}
	pipes := l.pipes
	l.pipes = nil
	l.releaseSlotsLocked(0)
	l.broadcastLocked()
	l.mu.Unlock()
	closeAll(warm)
	l.stop(kids)
	// Workers still being started in advance would be closed once ready;
	// end them now.
	l.mu.Lock()
	var starting []*child
	for c := range l.procs {
		if !l.children[c] {
			starting = append(starting, c)
		}
	}
	l.mu.Unlock()
	for _, c := range starting {
		c.signal(unix.SIGKILL)
	}
	if pipes != nil {
		pipes.closeWriters()
	}
}

// Close stops every process as [Launcher.Stop] does and refuses to start
// more.
func (l *Launcher) Close() error {
	l.mu.Lock()
	l.closed = true
	l.busyLocked() // stops the idle timer
	l.mu.Unlock()
	l.Stop()
	return nil
}

// stop ends kids and returns descriptions of those that were running.
func (l *Launcher) stop(kids []*child) []string {
	var stopped []string
	for _, c := range kids {
		select {
		case <-c.done:
			continue
		default:
		}
		stopped = append(stopped, c.String())
		c.signal(unix.SIGTERM)
	}
	deadline := time.After(Grace)
	for _, c := range kids {
		select {
		case <-c.done:
		case <-deadline:
			c.signal(unix.SIGKILL)
		}
	}
	for _, c := range kids {
		c.signal(unix.SIGKILL)
		select {
		case <-c.done:
		case <-time.After(2 * time.Second):
		}
	}
	return stopped
}

// lowered returns src prepared with [Lower], caching the last one.
func (l *Launcher) lowered(src string) string {
	l.mu.Lock()
	if l.lowSrc == src && l.low != "" {
		defer l.mu.Unlock()
		return l.low
	}
	l.mu.Unlock()
	low, err := lowerDecls(src, l.varType(src))
	if err != nil {
		return src // the worker reports the error to Start
	}
	l.mu.Lock()
	l.lowSrc, l.low = src, low
	l.mu.Unlock()
	return low
}

// SelfCommand returns the command that starts a worker when the running
// program is the gopherlab binary: the program itself with the argument
// "worker".
func SelfCommand() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exec.Command(exe, "worker")
}
