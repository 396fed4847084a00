package main

import (
	"context"
	"errors"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

func init() {
	register(&command{
		name:    "kernel",
		args:    "CONNECTION_FILE",
		summary: "serve one notebook over the sockets of a Jupyter connection file (kernel.json runs this)",
		run:     runKernel,
	})
}

func runKernel(args []string) error {
	fs := newFlagSet("kernel")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"want exactly one argument, the connection file"}
	}
	conn, err := kernel.ReadConnectionFile(fs.Arg(0))
	if err != nil {
		return err
	}
	srv, err := kernel.New(conn, nil, kernel.Options{
		Version:      gopherlabVersion(),
		CaptureStdio: true,
		HandleSIGINT: true,
	})
	if err != nil {
		return err
	}
	// The session takes tens of milliseconds to build: the server answers
	// kernel_info_request meanwhile, and cells wait for it.
	sessc := make(chan *session.Session, 1)
	go func() {
		<-srv.Listening()
		sess, err := newKernelSession()
		if err != nil {
			log.Printf("gopherlab: kernel: %v", err)
		}
		srv.SetSession(sess, err)
		sessc <- sess
	}()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ctx, orphaned := context.WithCancel(ctx)
	defer orphaned()
	go watchParent(ctx, orphaned)
	err = srv.Serve(ctx)
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

// watchParent calls orphaned when the process that started the kernel (the
// Jupyter server, nbclient, jupyter console) goes away without shutting it
// down, as ipykernel's parent poller does: an orphaned kernel would otherwise
// live on with its child processes and shared memory. The parent is the one
// jupyter_client names in JPY_PARENT_PID, or else the process that started
// this one.
func watchParent(ctx context.Context, orphaned func()) {
	ppid := os.Getppid()
	jpy, _ := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		gone := ppid != 1 && os.Getppid() != ppid
		if jpy > 1 && syscall.Kill(jpy, 0) == syscall.ESRCH {
			gone = true
		}
		if gone {
			log.Printf("gopherlab: kernel: the process that started the kernel exited; shutting down")
			orphaned()
			return
		}
	}
}

// newKernelSession returns the session of a kernel: standard library,
// gopherlab's packages, and processes from cells (`gopherlab worker`).
func newKernelSession() (*session.Session, error) {
	sess, err := session.New(session.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := sess.EnableProcesses(worker.SelfCommand); err != nil {
		sess.Close()
		return nil, err
	}
	return sess, nil
}
