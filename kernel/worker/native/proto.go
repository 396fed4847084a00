package native

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// The worker's side of its link with the kernel's launcher
// (kernel/worker.Launcher), shared by the interpreted worker (the
// gopherlab worker command) and compiled worker programs.

// StatusEnv names the environment variable that tells a worker which file
// descriptor carries its status to the launcher: one line with the process
// name and daemon flag when the target starts, lines for the kernel's log
// (LogPrefix), then end of file when the worker exits.
const StatusEnv = "GOPHERLAB_WORKER_STATUS"

// CtrlEnv names the environment variable that tells a worker which file
// descriptor receives, when it is handed to a cell, the standard output
// and error it must write to from then on.
const CtrlEnv = "GOPHERLAB_WORKER_CTRL"

// SpareEnv tells a worker that it is a spare: started before the
// declarations it will rebuild are known, it says on its control socket
// that it has started, then waits for them on standard input.
const SpareEnv = "GOPHERLAB_WORKER_SPARE"

// LogPrefix starts a line of the status pipe that is a message for the
// kernel's log rather than the worker's status.
const LogPrefix = "\x01log "

// A Link is a worker's link with its launcher. It announces the worker,
// once, when the first function the worker looked up is called (mp has set
// the process's name and daemon flag by then): the worker switches to the
// output of the cell it was handed to (sent over the control socket), and
// tells the launcher the name and flag. A Pool's worker looks up every
// function it maps: it is announced once, so that the control socket is
// not touched again.
type Link struct {
	once   sync.Once
	status *os.File // nil when the launcher gave none
	ctrl   int      // -1 when the launcher gave none
}

// Open reads the worker's descriptors from the environment (unsetting the
// variables, so that the worker's own children do not see them) and, for
// a spare, tells the launcher the worker has started.
func Open() *Link {
	l := &Link{ctrl: fdFromEnv(CtrlEnv)}
	if fd := fdFromEnv(StatusEnv); fd >= 0 {
		l.status = os.NewFile(uintptr(fd), "status")
	}
	if os.Getenv(SpareEnv) != "" {
		os.Unsetenv(SpareEnv)
		if l.ctrl >= 0 {
			syscall.Write(l.ctrl, []byte{1})
		}
	}
	return l
}

// ReadDeclarations returns what the launcher writes on standard input:
// the notebook's declarations, which the interpreted worker rebuilds
// (a compiled worker reads them too, to let the launcher finish writing).
func ReadDeclarations() (string, error) {
	b, err := io.ReadAll(os.Stdin)
	return string(b), err
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

// Lookup returns the function a worker runs for fn, the target (or a
// Pool's function) that the lookup function of mp.RunChild found: fn
// itself in a Pool's worker, announced now; otherwise fn wrapped so that
// its call announces the worker first, after before (when not nil).
func (l *Link) Lookup(fn reflect.Value, before func()) reflect.Value {
	if mp.CurrentProcess().Name() != "MainProcess" {
		// The process runs its target already: fn is a function a Pool's
		// worker calls for each task.
		l.once.Do(l.announce)
		return fn
	}
	return reflect.MakeFunc(fn.Type(), func(args []reflect.Value) []reflect.Value {
		l.once.Do(l.announce)
		if before != nil {
			before()
		}
		if fn.Type().IsVariadic() {
			return fn.CallSlice(args)
		}
		return fn.Call(args)
	})
}

func (l *Link) announce() {
	if l.ctrl >= 0 {
		if err := takeStdio(l.ctrl); err != nil {
			l.Log(err.Error())
		}
		syscall.Close(l.ctrl)
		l.ctrl = -1
	}
	if l.status != nil {
		p := mp.CurrentProcess()
		fmt.Fprintf(l.status, "%s\x00%t\n", p.Name(), p.Daemon())
	}
}

// Log sends a message about the worker's plumbing to the kernel's log (on
// the status pipe), not to the cell: it tells the learner nothing.
func (l *Link) Log(msg string) {
	if l.status == nil {
		fmt.Fprintln(os.Stderr, msg)
		return
	}
	fmt.Fprintf(l.status, "%s%s\n", LogPrefix, strings.ReplaceAll(msg, "\n", " "))
}

// takeStdio receives a standard output and error from the control socket
// fd, if the launcher sent them, and puts them in place of file
// descriptors 1 and 2.
func takeStdio(fd int) error {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(2*4))
	_, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_DONTWAIT)
	if err == unix.EAGAIN {
		return nil // none sent: keep the worker's own
	}
	if err != nil {
		return fmt.Errorf("worker: receive the cell's output: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return errors.New("worker: receive the cell's output: bad control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 2 {
		return errors.New("worker: receive the cell's output: bad file descriptors")
	}
	for i, target := range []int{1, 2} {
		if err := unix.Dup3(fds[i], target, 0); err != nil {
			return fmt.Errorf("worker: use the cell's output: %w", err)
		}
		unix.Close(fds[i])
	}
	return nil
}
