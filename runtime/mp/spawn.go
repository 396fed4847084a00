package mp

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// ChildEnv is the environment variable that marks a process as an mp child:
// it holds the number of the file descriptor (3) of the socket over which
// the parent sends the spec (target, arguments, shared files) and the child
// reports back. [StartChild] sets it; [Main] and [RunChild] read and unset
// it.
const ChildEnv = "GOPHERLAB_MP_CHILD"

// A Launcher starts the child processes of [Process.Start] and names their
// targets. The default launcher re-executes the running program
// (os.Executable), whose main must call [Main]; gopherlab's kernel installs
// one whose children are a worker that rebuilds the notebook's declarations
// and runs interpreted functions. Set it with [SetLauncher].
//
// The child side of a custom launcher calls [RunChild] with a lookup
// function that turns the names Name returned back into functions.
type Launcher interface {
	// Name returns the name a child can find target by (passed to the
	// lookup function of RunChild), or an error saying, in words for the
	// person who wrote the program, why target cannot run in a child and
	// what to write instead.
	Name(target reflect.Value) (string, error)
	// Command returns the command that starts a child, not yet started.
	// Process.Start passes it to StartChild, which adds the socket and the
	// environment variable. Stdout and stderr are the command's own: set
	// them (the default launcher inherits the parent's).
	Command() (*exec.Cmd, error)
}

// A ChildSource is a [Launcher] that hands out children it started itself,
// for instance ones started in advance so that a target runs within a
// millisecond of Process.Start (Python's forkserver idea). When the current
// launcher implements ChildSource, Process.Start calls Child instead of
// Command. Start children with [StartChild]: they wait for their spec.
type ChildSource interface {
	Launcher
	Child() (*Child, error)
}

var (
	launcherMu sync.Mutex
	launcher   Launcher
	prestart   bool
	warm       *Child     // the default launcher's next child, when prestarting
	warming    chan error // closed when the warm child being started is ready
)

// SetLauncher sets the launcher every later [Process.Start] uses in this
// process. nil restores the default: re-executing os.Executable().
func SetLauncher(l Launcher) {
	launcherMu.Lock()
	defer launcherMu.Unlock()
	launcher = l
	dropWarmLocked()
}

func currentLauncher() Launcher {
	launcherMu.Lock()
	defer launcherMu.Unlock()
	return launcher
}

// SetStartMethod chooses how the default launcher starts children, after
// Python's multiprocessing.set_start_method:
//
//   - "spawn" (the default) starts a fresh copy of the program at each
//     Process.Start;
//   - "forkserver" keeps one child started in advance, already initialised
//     and waiting, so that Start only has to send it the target: the target
//     runs well under a millisecond after Start. The waiting child is an
//     idle process; it exits with the parent or when the method changes.
//     It has the environment and standard output the parent had when it
//     started (just after the previous Start).
//
// "fork" is not available: a Go program cannot fork safely. A custom
// launcher ([SetLauncher]) with a SetStartMethod method of its own answers
// instead: in gopherlab's notebooks, children always start as with "fork"
// (see [Namespace]), and the others are refused with an error saying so.
func SetStartMethod(method string) error {
	launcherMu.Lock()
	if s, ok := launcher.(interface{ SetStartMethod(string) error }); ok {
		launcherMu.Unlock()
		return s.SetStartMethod(method)
	}
	defer launcherMu.Unlock()
	switch method {
	case "spawn":
		prestart = false
		dropWarmLocked()
	case "forkserver":
		prestart = true
	case "fork":
		return errors.New(`mp: start method "fork" is not available in Go (forking a multithreaded runtime is unsafe); use "spawn" or "forkserver"`)
	default:
		return fmt.Errorf(`mp: unknown start method %q; use "spawn" or "forkserver"`, method)
	}
	return nil
}

// dropWarmLocked kills the pre-started child, if any.
func dropWarmLocked() {
	if warm != nil {
		warm.Close()
		warm = nil
	}
}

// A Child is a started child process waiting for the spec of the target it
// is to run. [StartChild] makes one; [Process.Start] uses it up. Close an
// unused Child.
type Child struct {
	cmd   *exec.Cmd
	conn  *conn
	used  bool
	ready bool

	started func(name string, daemon bool) // see Watch
	exited  func()
}

// Watch asks the [Process] that uses c to call started with its name and
// daemon flag when the target is about to run, before Start returns, and
// exited when the child has exited, before Join (or any other wait)
// returns. A [ChildSource] uses it to know which children a program must
// wait for and to deliver a child's output before Join returns. Call it
// before handing c out; either function may be nil.
func (c *Child) Watch(started func(name string, daemon bool), exited func()) {
	c.started, c.exited = started, exited
}

// StartChild starts cmd as an mp child: it passes one end of a new socket
// pair as file descriptor 3 (before cmd.ExtraFiles, which move up by one),
// sets [ChildEnv], and asks the kernel to kill the child when the parent
// dies (Pdeathsig). The child must call [Main] or [RunChild], which waits
// for the spec on the socket.
func StartChild(cmd *exec.Cmd) (*Child, error) {
	parent, child, err := newConnPair()
	if err != nil {
		return nil, err
	}
	defer child.close()
	cmd.ExtraFiles = append([]*os.File{child.file()}, cmd.ExtraFiles...)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, ChildEnv+"=3")
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		parent.close()
		return nil, fmt.Errorf("mp: start child: %w", err)
	}
	return &Child{cmd: cmd, conn: parent}, nil
}

// WaitReady waits until the child has initialised and waits for its spec
// (it has called [Main] or [RunChild]), so that a Process.Start using it
// runs the target without delay. A launcher that starts children in
// advance calls it before handing one out. It returns an error when the
// child exited instead; Close it then.
func (c *Child) WaitReady() error {
	if c.ready {
		return nil
	}
	r, err := readReport(c.conn, time.Time{})
	if err != nil {
		return fmt.Errorf("mp: child %d exited before it was ready: %w", c.Pid(), errNoMain)
	}
	if r.Kind != reportReady {
		return fmt.Errorf("mp: child %d sent %q before it was ready", c.Pid(), r.Kind)
	}
	c.ready = true
	return nil
}

// Pid returns the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Close kills a child that was not used by a Process and waits for it to
// exit. Closing a used child is a no-op.
func (c *Child) Close() error {
	if c.used {
		return nil
	}
	c.used = true
	c.conn.close() // the child sees EOF and exits
	c.cmd.Process.Kill()
	c.cmd.Wait()
	return nil
}

// defaultCommand is the default launcher's command: the program itself.
func defaultCommand() (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("mp: find the program to re-execute: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Args = []string{os.Args[0]}
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return cmd, nil
}

// newChild returns a child for Process.Start from the current launcher.
func newChild() (*Child, error) {
	launcherMu.Lock()
	l := launcher
	if l == nil && prestart {
		c := takeWarmLocked()
		launcherMu.Unlock()
		if c != nil {
			return c, nil
		}
		return coldChild(nil)
	}
	launcherMu.Unlock()
	if cs, ok := l.(ChildSource); ok {
		c, err := cs.Child()
		if err != nil {
			return nil, fmt.Errorf("mp: start child: %w", err)
		}
		return c, nil
	}
	return coldChild(l)
}

func coldChild(l Launcher) (*Child, error) {
	var cmd *exec.Cmd
	var err error
	if l == nil {
		cmd, err = defaultCommand()
	} else {
		cmd, err = l.Command()
	}
	if err != nil {
		return nil, err
	}
	return StartChild(cmd)
}

// takeWarmLocked returns the pre-started child, waiting for the one being
// started if needed, and starts the next one in the background.
func takeWarmLocked() *Child {
	if warm == nil && warming != nil {
		ch := warming
		launcherMu.Unlock()
		<-ch
		launcherMu.Lock()
	}
	c := warm
	warm = nil
	if warming == nil && prestart && launcher == nil {
		ch := make(chan error)
		warming = ch
		go func() {
			next, err := coldChild(nil)
			if err == nil {
				if err = next.WaitReady(); err != nil {
					next.Close()
				}
			}
			launcherMu.Lock()
			warming = nil
			if err == nil {
				if prestart && launcher == nil && warm == nil {
					warm = next
				} else {
					next.Close()
				}
			}
			launcherMu.Unlock()
			close(ch)
		}()
	}
	return c
}

// targetRef tells a child which function to run.
type targetRef struct {
	Name    string // the function's name, for lookups and messages
	Builtin string // a function of package mp itself (the Pool worker)
	Lookup  bool   // found by the lookup function of RunChild (a custom Launcher)
	PCOff   int64  // compiled target: entry PC relative to pcBase's
	TypeOff int64  // compiled target: type descriptor relative to argSpec's
	Type    string // compiled target: the function's type, checked by the child
	Exe     string // compiled target: identity of the executable
}

var (
	closureName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.func\d+`) })
	basePC      = reflect.ValueOf(pcBase).Pointer()
	baseType    = efaceType(argSpec{})
)

// pcBase is the function whose entry compiled targets are located from.
func pcBase() {}

// efaceType returns the type descriptor word of an interface value.
func efaceType(v any) unsafe.Pointer { return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[0] }

// refTarget checks that fn can run in a child and says how the child finds it.
func refTarget(fn any) (reflect.Value, targetRef, error) {
	v := reflect.ValueOf(fn)
	if fn == nil || v.Kind() != reflect.Func {
		return reflect.Value{}, targetRef{}, fmt.Errorf("mp: the target must be a function, got %T", fn)
	}
	if v.IsNil() {
		return reflect.Value{}, targetRef{}, errors.New("mp: the target is a nil function")
	}
	if l := currentLauncher(); l != nil {
		name, err := l.Name(v)
		if err != nil {
			return reflect.Value{}, targetRef{}, err
		}
		return v, targetRef{Name: name, Lookup: true}, nil
	}
	pc := v.Pointer()
	f := runtime.FuncForPC(pc)
	if f == nil {
		return reflect.Value{}, targetRef{}, errors.New("mp: the target is not a function of this program")
	}
	name := f.Name()
	short := name[strings.LastIndexByte(name, '/')+1:]
	switch {
	case strings.HasSuffix(name, "-fm"):
		return reflect.Value{}, targetRef{}, fmt.Errorf("mp: the target %s is a method value (x.Method): a child process cannot rebuild its receiver x; write a top-level function that takes what it needs as arguments, e.g. func work(v T) { v.Method() }", strings.TrimSuffix(short, "-fm"))
	case closureName().MatchString(name):
		return reflect.Value{}, targetRef{}, fmt.Errorf("mp: the target is a function literal or closure (%s): a child process runs a copy of the program and cannot see the variables a closure captures; declare a top-level function (func work(...) { ... }) and pass what it needs as arguments", short)
	case strings.Contains(name, "["):
		return reflect.Value{}, targetRef{}, fmt.Errorf("mp: the target %s is a generic function: write a non-generic top-level function that calls it", short)
	case strings.HasPrefix(name, "reflect."):
		return reflect.Value{}, targetRef{}, errors.New("mp: the target is an interpreted function (made by reflect.MakeFunc): it can run in a child only through a Launcher that knows the interpreter's functions, such as gopherlab's kernel sets with mp.SetLauncher")
	case f.Entry() != pc || strings.HasPrefix(name, "runtime."):
		return reflect.Value{}, targetRef{}, fmt.Errorf("mp: the target (%s) is not a top-level function of this program; declare one with func and pass it by name", short)
	}
	exe := thisExe()
	if exe == "" {
		return reflect.Value{}, targetRef{}, errors.New("mp: cannot identify the running program (no /proc/self/exe?)")
	}
	return v, targetRef{
		Name:    name,
		PCOff:   int64(pc) - int64(basePC),
		TypeOff: int64(uintptr(efaceType(fn))) - int64(uintptr(baseType)),
		Type:    v.Type().String(),
		Exe:     exe,
	}, nil
}

// exeIdentity identifies the running executable file, so that a child can
// check it runs the same program as its parent before trusting offsets.
func exeIdentity() (string, error) {
	var st syscall.Stat_t
	if err := syscall.Stat("/proc/self/exe", &st); err != nil {
		return "", fmt.Errorf("mp: identify the program: %w", err)
	}
	return fmt.Sprintf("%d:%d:%d:%d.%d", st.Dev, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec), nil
}

// resolveCompiled rebuilds a compiled target in the child from its offsets,
// after checking that the child runs the parent's executable and that the
// function found has the name and type the parent saw.
func resolveCompiled(ref targetRef) (reflect.Value, error) {
	if exe := thisExe(); exe == "" || exe != ref.Exe {
		return reflect.Value{}, fmt.Errorf("mp: child cannot run %s: it runs a different executable than its parent (was the program rebuilt while running?)", ref.Name)
	}
	pc := uintptr(int64(basePC) + ref.PCOff)
	f := runtime.FuncForPC(pc)
	if f == nil || f.Entry() != pc || f.Name() != ref.Name {
		return reflect.Value{}, fmt.Errorf("mp: child cannot find function %s in its executable", ref.Name)
	}
	typ := unsafe.Add(baseType, ref.TypeOff)
	code := new(uintptr) // a func value points to a word holding the code pointer
	*code = pc
	var fn any
	w := (*[2]unsafe.Pointer)(unsafe.Pointer(&fn))
	w[0] = typ
	w[1] = unsafe.Pointer(code)
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.Type().String() != ref.Type {
		return reflect.Value{}, fmt.Errorf("mp: child cannot rebuild function %s of type %s", ref.Name, ref.Type)
	}
	return v, nil
}
