package worker

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Main is the child side: the `gopherlab worker` command. It reads the
// notebook's declarations from standard input, rebuilds them with
// [Build] and the given symbols, and runs the target its parent sends
// ([mp.RunChild]); it exits when the target returns. A worker that cannot
// rebuild the declarations reports why to the Process.Start that uses it.
// Main returns (with status 2) only when the process was not started as a
// child.
func Main(symbols ...interp.Exports) int {
	if !mp.IsChild() {
		fmt.Fprintln(os.Stderr, "gopherlab worker: this command runs the processes notebook cells start; the kernel starts it, not you")
		return 2
	}
	status := statusFile()
	ctrl := fdFromEnv(CtrlEnv)
	if os.Getenv(SpareEnv) != "" {
		// A spare says it has started, then waits for the declarations.
		os.Unsetenv(SpareEnv)
		if ctrl >= 0 {
			syscall.Write(ctrl, []byte{1})
		}
	}
	src, err := io.ReadAll(os.Stdin)
	var nb *Notebook
	if err == nil {
		nb, err = Build(string(src), symbols...)
	}

	if err == nil {
		// Processes started by the target run in workers of their own,
		// which rebuild the same declarations.
		// /proc/self/exe is this very binary even if the file was
		// replaced since, and needs no readlink on the way to the target.
		l := NewLauncher(func() *exec.Cmd {
			cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
			cmd.Args[0] = os.Args[0]
			return cmd
		}, func() string { return string(src) })
		l.inherit = true
		l.SetInterp(nb.in)
		mp.SetLauncher(l)
	}
	a := &announcer{status: status, ctrl: ctrl}
	mp.RunChild(func(name string) (reflect.Value, error) {
		if err != nil {
			return reflect.Value{}, err
		}
		fn, err := nb.Lookup(name)
		if err != nil {
			return fn, err
		}
		if mp.CurrentProcess().Name() != "MainProcess" {
			// The process runs its target already: fn is a function a
			// Pool's worker calls for each task. Announce now, once, and
			// let the tasks call fn itself.
			a.once.Do(a.announce)
			return fn, nil
		}
		return a.wrap(fn), nil
	})
	return 2
}

// statusFile returns the file named by [StatusEnv], marked close-on-exec so
// that the worker's own children do not hold it open.
func statusFile() *os.File {
	fd := fdFromEnv(StatusEnv)
	if fd < 0 {
		return nil
	}
	return os.NewFile(uintptr(fd), "status")
}

// fdFromEnv returns the file descriptor named by the environment variable
// env (unset afterwards), marked close-on-exec, or -1.
func fdFromEnv(env string) int {
	fd, err := strconv.Atoi(os.Getenv(env))
	os.Unsetenv(env)
	if err != nil || fd < 3 {
		return -1
	}
	syscall.CloseOnExec(fd)
	return fd
}

// An announcer prepares a worker for its target, once, when the first
// function the worker looked up is called (mp has set the process's name
// and daemon flag by then): the worker switches to the output of the cell
// it was handed to (sent over ctrl), and tells the launcher the name and
// flag. A Pool's worker looks up every function it maps: it is announced
// once, so that ctrl is not touched again (it used to be taken for each new
// function, on a descriptor closed since: "worker: receive the cell's
// output: bad file descriptor").
type announcer struct {
	once   sync.Once
	status *os.File // nil when the launcher gave none
	ctrl   int      // -1 when the launcher gave none
}

// wrap returns fn, announcing the worker at the first call of any wrapped
// function.
func (a *announcer) wrap(fn reflect.Value) reflect.Value {
	return reflect.MakeFunc(fn.Type(), func(args []reflect.Value) []reflect.Value {
		a.once.Do(a.announce)
		panicLines.take() // what earlier panics (recovered) left is not this call's
		if fn.Type().IsVariadic() {
			return fn.CallSlice(args)
		}
		return fn.Call(args)
	})
}

func (a *announcer) announce() {
	if a.ctrl >= 0 {
		if err := takeStdio(a.ctrl); err != nil {
			a.log(err.Error())
		}
		syscall.Close(a.ctrl)
		a.ctrl = -1
	}
	if a.status != nil {
		p := mp.CurrentProcess()
		fmt.Fprintf(a.status, "%s\x00%t\n", p.Name(), p.Daemon())
	}
}

// log sends a message about the worker's plumbing to the kernel's log (on
// the status pipe), not to the cell: it tells the learner nothing.
func (a *announcer) log(msg string) {
	if a.status == nil {
		fmt.Fprintln(os.Stderr, msg)
		return
	}
	fmt.Fprintf(a.status, "%s%s\n", logPrefix, strings.ReplaceAll(msg, "\n", " "))
}

// logPrefix starts a line of the status pipe that is a message for the
// kernel's log rather than the worker's status.
const logPrefix = "\x01log "
