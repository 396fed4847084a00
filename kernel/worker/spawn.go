package worker

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gopherlab/gopherlab/kernel/worker/native"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Worker processes: starting one, compiled or interpreted, with its pipes
// and status (start), and what the launcher holds of each (child).

// child is one worker process.
type child struct {
	child    *mp.Child
	src      string
	compiled bool   // a compiled worker (compiled.go)
	lowered  bool   // started at the background priority (priority.go)
	advance  bool   // started in advance (the background argument of start)
	taken    bool   // Child chose it (l.mu guards it)
	needed   string // for a compiled worker, the declarations it was built from
	pidfd    int
	cell     int
	stdout   *lazyWriter // output before the worker was handed to a cell
	stderr   *lazyWriter
	ctrl     *os.File      // socket over which the worker receives its cell's pipes
	stdin    *os.File      // a spare's standard input, until its declarations are written
	alive    chan struct{} // closed when a spare says it has started
	handed   time.Time     // when Child handed it out
	known    chan struct{} // closed when the status line arrived
	done     chan struct{} // closed when the worker exited and its output was forwarded

	mu        sync.Mutex
	name      string
	daemon    bool
	statusSet bool
	exited    bool
}

// startedInBackground, when not nil (tests), is called with the pid of a
// worker started in the background once it has its lower priority, before
// the launcher knows it.
var startedInBackground atomic.Pointer[func(pid int)]

// start starts a worker that rebuilds src and waits for its target, or,
// with spare, a worker that waits for the declarations ([child.feed]); in
// the background (started in advance), at a lower priority until it is
// handed out ([child.foreground]).
func (l *Launcher) start(src string, spare, background bool) (*child, error) {
	cmd, compiled := l.workerCommand(src, spare)
	var stdinW *os.File
	switch {
	case compiled:
		cmd.Stdin = strings.NewReader("") // it has the declarations built in
	case spare:
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("worker: start a worker: %w", err)
		}
		defer r.Close()
		stdinW = w
		cmd.Stdin = r
	case l.inherit:
		cmd.Stdin = strings.NewReader(src) // already lowered
	default:
		cmd.Stdin = strings.NewReader(l.lowered(src))
	}
	var files []*os.File
	if stdinW != nil {
		files = append(files, stdinW)
	}
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	c := &child{src: src, compiled: compiled, advance: background, needed: l.neededIf(compiled, src), pidfd: -1, stdin: stdinW, known: make(chan struct{}), done: make(chan struct{})}
	statusR, statusW, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("worker: start a worker: %w", err)
	}
	var outR, errR *os.File
	l.mu.Lock()
	inherit := l.inherit
	l.mu.Unlock()
	if inherit {
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	} else {
		var outW, errW *os.File
		if outR, outW, err = pipe(); err == nil {
			errR, errW, err = pipe()
		}
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("worker: start a worker: %w", err)
		}
		cmd.Stdout, cmd.Stderr = outW, errW
		defer outW.Close()
		defer errW.Close()
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	// mp.StartChild puts its socket at fd 3, before ExtraFiles.
	cmd.ExtraFiles = append(cmd.ExtraFiles, statusW)
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", StatusEnv, 3+len(cmd.ExtraFiles)))
	var ctrlChild *os.File
	if !inherit {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("worker: start a worker: %w", err)
		}
		// The kernel's end is non-blocking, so that closing it ends a read
		// that waits for a spare's first byte.
		unix.SetNonblock(fds[0], true)
		c.ctrl = os.NewFile(uintptr(fds[0]), "worker-ctrl")
		ctrlChild = os.NewFile(uintptr(fds[1]), "worker-ctrl")
		files = append(files, c.ctrl, ctrlChild)
		cmd.ExtraFiles = append(cmd.ExtraFiles, ctrlChild)
		cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", CtrlEnv, 3+len(cmd.ExtraFiles)))
		if spare {
			cmd.Env = append(cmd.Env, SpareEnv+"=1")
			c.alive = make(chan struct{})
		}
	}
	mc, err := mp.StartChild(cmd)
	if err == nil && background {
		c.lowered = toBackground(mc.Pid()) // before c is shared (l.procs)
		if f := startedInBackground.Load(); f != nil {
			(*f)(mc.Pid())
		}
	}
	statusW.Close()
	if ctrlChild != nil {
		ctrlChild.Close()
	}
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("worker: start a worker: %w", err)
	}
	c.child = mc
	if fd, err := unix.PidfdOpen(mc.Pid(), unix.PIDFD_NONBLOCK); err == nil {
		c.pidfd = fd
	}
	l.mu.Lock()
	if l.procs == nil {
		l.procs = map[*child]bool{}
	}
	l.procs[c] = true
	// Close ran while it started, or, for one started in advance, the
	// kernel went idle (which ended those it knew of).
	end := l.closed || background && l.pol.released
	// A Start waits for a worker with these declarations: it was started in
	// the background, but a cell waits for it now (Child promotes those
	// already here).
	promote := c.lowered && !spare && l.waiting[src] > 0
	l.mu.Unlock()
	if promote {
		c.foreground()
	}
	if end {
		c.signal(unix.SIGKILL)
	}
	if c.alive != nil {
		go func() {
			// One byte once the spare runs its code; end of file if it died.
			if n, _ := c.ctrl.Read(make([]byte, 1)); n == 1 {
				close(c.alive)
			}
		}()
	}
	c.stdout, c.stderr = &lazyWriter{}, &lazyWriter{}
	var wg sync.WaitGroup
	forward := func(w io.Writer, r *os.File) {
		defer wg.Done()
		defer r.Close()
		io.Copy(w, r)
	}
	if !inherit {
		wg.Add(2)
		go forward(c.stdout, outR)
		go forward(c.stderr, errR)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer statusR.Close()
		br := bufio.NewReader(statusR)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				break // end of file: the worker exited
			}
			line = strings.TrimSuffix(line, "\n")
			if msg, ok := strings.CutPrefix(line, native.LogPrefix); ok {
				l.logf("worker %d: %s", c.child.Pid(), msg)
				continue
			}
			name, daemon, _ := strings.Cut(line, "\x00")
			c.setStatus(name, daemon == "true")
		}
	}()
	go func() {
		wg.Wait()
		// The worker closed its output as it exited; it has ended a moment
		// later. Wait for that (its pidfd becomes readable), up to a
		// second: a cell ends once its processes have exited, and whoever
		// asks the system then must not find one still running.
		c.mu.Lock()
		fd := c.pidfd
		c.mu.Unlock()
		if fd >= 0 {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			for {
				if _, err := unix.Poll(fds, 1000); err != unix.EINTR {
					break
				}
			}
		}
		l.mu.Lock()
		delete(l.procs, c)
		l.mu.Unlock()
		c.mu.Lock()
		c.exited = true
		if c.pidfd >= 0 {
			unix.Close(c.pidfd)
			c.pidfd = -1
		}
		c.mu.Unlock()
		close(c.done)
	}()
	return c, nil
}

// setStatus records the name and daemon flag of the worker's process, which
// Process.Start reports (through mp.Child.Watch) before it returns, and the
// worker itself on its status pipe.
func (c *child) setStatus(name string, daemon bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.statusSet {
		return
	}
	c.statusSet = true
	c.name, c.daemon = name, daemon
	close(c.known)
}

// hasStatus reports whether the worker's name and daemon flag are known.
func (c *child) hasStatus() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.statusSet
}

func (c *child) isDaemon() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.daemon
}

// signal sends sig to the worker unless it has exited; a worker still at
// the background priority gets the kernel's first, to exit promptly.
func (c *child) signal(sig unix.Signal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exited {
		return
	}
	c.foregroundLocked()
	if c.pidfd >= 0 {
		unix.PidfdSendSignal(c.pidfd, sig, nil, 0)
		return
	}
	syscall.Kill(c.child.Pid(), sig)
}

// foreground gives a worker started in the background the kernel's
// priority: it is handed out, a Start waits for it to be ready, or it is
// about to be killed.
func (c *child) foreground() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.foregroundLocked()
}

// foregroundLocked is foreground with c.mu held.
func (c *child) foregroundLocked() {
	if c.lowered && !c.exited {
		toForeground(c.child.Pid())
	}
	c.lowered = false
}

// feed gives a spare the declarations src, prepared by [Lower].
func (c *child) feed(src string) error {
	_, err := io.WriteString(c.stdin, src)
	if cerr := c.stdin.Close(); err == nil {
		err = cerr
	}
	c.stdin = nil
	if err != nil {
		return fmt.Errorf("worker: give the spare worker its declarations: %w", err)
	}
	return nil
}

// close ends a worker that was never handed out. One still at the
// background priority gets the kernel's first: a killed process exits only
// once it runs, and at SCHED_IDLE on a busy machine that takes seconds
// (1-2 s with 8 busy loops on 2 cores, against 10 ms at the kernel's),
// while it holds its memory and delays whoever waits for it (idle, Stop).
func (c *child) close() {
	c.foreground()
	if c.stdin != nil {
		c.stdin.Close()
	}
	if c.ctrl != nil {
		c.ctrl.Close()
	}
	c.child.Close()
	<-c.done
}

func (c *child) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	name := c.name
	if name == "" {
		name = "a worker"
	}
	return fmt.Sprintf("%s (pid %d)", name, c.child.Pid())
}

// lazyWriter holds what is written to it until it is bound to a writer, so
// that output of a worker started in advance reaches the cell that uses it.
type lazyWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf bytes.Buffer
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		return l.buf.Write(p)
	}
	l.w.Write(p)
	return len(p), nil // a cell that went away must not stop the copy
}

func (l *lazyWriter) bind(w io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w = w
	if l.buf.Len() > 0 {
		w.Write(l.buf.Bytes())
		l.buf.Reset()
	}
}
