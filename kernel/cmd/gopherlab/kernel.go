package main

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	rdebug "runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/earlybind"
	"github.com/gopherlab/gopherlab/kernel/internal/frugal"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

func init() {
	register(&command{
		name:    "kernel",
		args:    "[--debug] CONNECTION_FILE",
		summary: "serve one notebook over the sockets of a Jupyter connection file (kernel.json runs this)",
		run:     runKernel,
	})
}

func runKernel(args []string) error {
	fs := newFlagSet("kernel")
	debug := fs.Bool("debug", false, "log what the kernel does (also: GOPHERLAB_DEBUG=1 in its environment)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The kernel says nothing on standard error while all is well: jupyter
	// console shows it above the first prompt.
	debugging = *debug || os.Getenv("GOPHERLAB_DEBUG") != ""
	if fs.NArg() != 1 {
		return usageError{"want exactly one argument, the connection file"}
	}
	// The type information of the standard library comes from the go
	// command's build cache: a hub shares one, built in advance, among
	// learners whose own caches are empty (a cold one takes ~10 s of
	// processor time to fill for the first lesson).
	if c := os.Getenv(GoCacheEnv); c != "" {
		os.Setenv("GOCACHE", c)
	}
	if v := os.Getenv(GCEnv); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			rdebug.SetGCPercent(n)
		} else {
			log.Printf("gopherlab: %s=%q is not a number; the kernel collects garbage as GOGC says", GCEnv, v)
		}
	}
	// Signals: SIGTERM ends the kernel as a shutdown request does, SIGINT
	// interrupts the running cell, unless GOPHERLAB_SIGNALS=off, which
	// saves two of the five threads of an idle kernel (see SignalsEnv).
	signals := os.Getenv(SignalsEnv) != "off"
	// The sockets are listening already, unless earlybind could not bind
	// them (then Serve does, or reports why not).
	early := earlyListeners()
	conn, err := kernel.ReadConnectionFile(fs.Arg(0))
	if err != nil {
		closeAll(early)
		return err
	}
	srv, err := kernel.New(conn, nil, kernel.Options{
		Version:       gopherlabVersion(),
		CaptureStdio:  true,
		HandleSignals: signals,
		Listeners:     early,
		Debug:         debugging,
	})
	if err != nil {
		closeAll(early)
		return err
	}
	// The session takes tens of milliseconds of processor time to build.
	// The server answers kernel_info_request without it, and cells wait
	// for it: build it once the first request is answered (or waits for
	// it), so that it does not slow down the first reply, or after
	// sessionDelay when no client comes.
	sessc := make(chan *session.Session, 1)
	served := make(chan struct{}) // closed when Serve returns
	go func() {
		select {
		case <-srv.Listening():
		case <-served:
			sessc <- nil
			return
		}
		select {
		case <-srv.Greeted():
		case <-time.After(sessionDelay):
		case <-served:
			sessc <- nil
			return
		}
		sess, err := newKernelSession()
		if err != nil {
			log.Printf("gopherlab: kernel: %v", err)
		}
		srv.SetSession(sess, err)
		sessc <- sess
	}()
	ctx, stop := context.WithCancel(context.Background())
	if signals {
		ctx, stop = signal.NotifyContext(ctx, syscall.SIGTERM)
	}
	defer stop()
	ctx, orphaned := context.WithCancel(ctx)
	defer orphaned()
	go watchParent(ctx, orphaned)
	err = srv.Serve(ctx)
	close(served)
	if errors.Is(err, kernel.ErrServerClosed) || errors.Is(err, context.Canceled) {
		err = nil
	}
	if err != nil {
		// Standard error may be captured by now; package log writes to the
		// original one.
		log.Printf("gopherlab: %v", err) // err says "kernel: ..."
	}
	// A cell may still be running (interrupts are cooperative): give the
	// session a moment to close, then leave.
	closed := make(chan struct{})
	go func() {
		if sess := <-sessc; sess != nil {
			sess.Close()
		}
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(time.Second):
	}
	if err != nil {
		os.Exit(1)
	}
	os.Exit(0)
	return nil
}

// debugging is set by --debug or GOPHERLAB_DEBUG.
var debugging bool

// debugf logs when debugging.
func debugf(format string, args ...any) {
	if debugging {
		log.Printf(format, args...)
	}
}

// GoCacheEnv names the environment variable with a build cache for the go
// command the kernel runs (go list -export, for the standard library's type
// information), instead of the user's GOCACHE. It may be read-only if it
// holds the whole standard library (go list -export std).
const GoCacheEnv = "GOPHERLAB_GOCACHE"

// GCEnv names the environment variable with the kernel's own GOGC, which
// its workers do not inherit. The hub sets 30: the memory an idle kernel
// keeps is mostly the pages its surviving objects are scattered over (the
// runtime does not move objects), and collecting more often while cells
// run scatters them over fewer: 1.5 MiB less per learner at 50 in a class
// of 60 (six idle kernels each), for a little processor time.
const GCEnv = "GOPHERLAB_GOGC"

// SignalsEnv names the environment variable that, set to "off", makes the
// kernel handle no signal: the Go runtime then keeps no thread waiting for
// them (two of the five of an idle kernel; a hub with hundreds of kernels
// sets it). Jupyter needs none: the kernelspec asks for interrupts as
// messages, and shutdown is a request. SIGTERM and SIGINT then end the
// kernel at once, as they end most programs (Jupyter removes its files),
// and SIGQUIT prints the goroutines to the kernel's log as it exits.
const SignalsEnv = "GOPHERLAB_SIGNALS"

// sessionDelay is how long a kernel waits for its first request before it
// builds the session anyway.
const sessionDelay = 500 * time.Millisecond

// earlyListeners returns the sockets package earlybind bound while the
// program was initialising, keyed by endpoint.
func earlyListeners() map[string]net.Listener {
	fds := earlybind.Take()
	if len(fds) == 0 {
		return nil
	}
	lns := make(map[string]net.Listener, len(fds))
	for ep, fd := range fds {
		f := os.NewFile(uintptr(fd), ep)
		ln, err := net.FileListener(f) // a duplicate of fd
		f.Close()
		if err != nil {
			// Serve binds this endpoint itself, or reports why not.
			debugf("gopherlab: kernel: socket bound early for %s: %v", ep, err)
			if path, ok := strings.CutPrefix(ep, "ipc://"); ok {
				os.Remove(path)
			}
			continue
		}
		if ul, ok := ln.(*net.UnixListener); ok {
			ul.SetUnlinkOnClose(true) // as for a listener from net.Listen
		}
		lns[ep] = ln
	}
	return lns
}

// closeAll closes listeners.
func closeAll(lns map[string]net.Listener) {
	for _, ln := range lns {
		ln.Close()
	}
}

// watchParent calls orphaned when the process that started the kernel (the
// Jupyter server, nbclient, jupyter console) goes away without shutting it
// down, as ipykernel's parent poller does: an orphaned kernel would otherwise
// live on with its child processes and shared memory. The parent is the one
// jupyter_client names in JPY_PARENT_PID, or else the process that started
// this one.
//
// It waits on the parents' pidfds where the system has them, so that an
// idle kernel does not wake up to look (a hub keeps hundreds of them);
// elsewhere it looks twice a second.
func watchParent(ctx context.Context, orphaned func()) {
	ppid := os.Getppid()
	jpy, _ := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	gone := func() bool {
		return ppid != 1 && os.Getppid() != ppid || jpy > 1 && syscall.Kill(jpy, 0) == syscall.ESRCH
	}
	var pids []int
	if ppid != 1 {
		pids = append(pids, ppid)
	}
	if jpy > 1 && jpy != ppid {
		pids = append(pids, jpy)
	}
	exited, err := waitExit(ctx, pids, gone)
	if err != nil {
		exited = pollExit(ctx, gone)
	}
	if exited {
		debugf("gopherlab: kernel: the process that started the kernel exited; shutting down")
		orphaned()
	}
}

// pollExit calls gone twice a second until it reports true (then it
// returns true) or ctx is done.
func pollExit(ctx context.Context, gone func() bool) bool {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
		if gone() {
			return true
		}
	}
}

// newKernelSession returns the session of a kernel: standard library,
// gopherlab's packages, and processes from cells (`gopherlab worker`),
// with the workers' policy of the environment ([worker.WorkersEnv]).
func newKernelSession() (*session.Session, error) {
	sess, err := session.New(session.Options{})
	if err != nil {
		return nil, err
	}
	l, err := sess.EnableProcesses(worker.SelfCommand)
	if err != nil {
		sess.Close()
		return nil, err
	}
	// The launcher's notes (a compiled worker built, a worker's messages)
	// are for the kernel's log, which stays silent unless debugging.
	if !debugging {
		l.SetLog(io.Discard)
	}
	// Workers kept in advance, and for how long: GOPHERLAB_WORKERS. Once
	// idle, the kernel also drops the type information it keeps to check
	// cells, gives back its idle threads and free memory,
	// and runs on one processor until the next cell.
	pol, err := worker.PolicyFromEnv()
	if err != nil {
		log.Printf("gopherlab: kernel: %v; using %v", err, pol)
	}
	l.SetPolicy(pol)
	l.OnIdle(sess.Idle)
	l.OnIdle(frugal.Release)
	sess.OnCellStart(frugal.Resume)
	return sess, nil
}
