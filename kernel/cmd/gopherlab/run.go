package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/gopherlab/gopherlab/kernel/notebook"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/traefik/yaegi/interp"
)

func init() {
	register(&command{
		name: "run",
		args: "[--inplace] [--keep-going] [--timeout D] [--quiet] NOTEBOOK.ipynb...",
		summary: "run notebooks headless, cell by cell, and print their outputs; --inplace writes the outputs back " +
			"(exit status 1 when a cell not tagged raises-exception fails)",
		run: runNotebooks,
	})
}

// newRunSession returns the session a notebook runs in: the same packages as
// in the kernel.
var newRunSession = func() (*session.Session, error) {
	return session.New(session.Options{Symbols: []interp.Exports{symbols.Symbols}})
}

func runNotebooks(args []string) error {
	fs := newFlagSet("run")
	inplace := fs.Bool("inplace", false, "write the outputs back into each notebook")
	keepGoing := fs.Bool("keep-going", false, "run the remaining cells after a cell fails")
	timeout := fs.Duration("timeout", 0, "interrupt a cell that runs longer than this (0: no limit)")
	quiet := fs.Bool("quiet", false, "print only failures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"want at least one notebook"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var stdout, stderr io.Writer = os.Stdout, os.Stderr
	if *quiet {
		stdout = nil
	}
	failed := 0
	for _, name := range fs.Args() {
		if fs.NArg() > 1 && stdout != nil {
			fmt.Fprintf(stdout, "==> %s <==\n", name)
		}
		err := runNotebook(ctx, name, *inplace, notebook.Options{
			Stdout:      stdout,
			Stderr:      stderr,
			KeepGoing:   *keepGoing,
			CellTimeout: *timeout,
		})
		if err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "gopherlab run: %s: %v\n", name, err)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted")
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d notebooks failed", failed, fs.NArg())
	}
	return nil
}

// runNotebook runs one notebook in a fresh session, as a kernel would.
func runNotebook(ctx context.Context, name string, inplace bool, opts notebook.Options) error {
	nb, err := notebook.ReadFile(name)
	if err != nil {
		return err
	}
	sess, err := newRunSession()
	if err != nil {
		return err
	}
	runErr := notebook.Run(ctx, nb, sess, opts)
	closeSession(sess)
	if inplace && !errors.Is(runErr, context.Canceled) {
		if err := notebook.WriteFile(name, nb); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return runErr
}

// closeSession ends the session and what it started, giving up after a
// while: interrupts are cooperative, and a stuck cell must not stop the run.
func closeSession(s *session.Session) {
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}
