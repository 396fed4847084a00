package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/kernel/notebook"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

func init() {
	register(&command{
		name: "run",
		args: "[--inplace | --output FILE] [--keep-going] [--timeout D] [--quiet] NOTEBOOK.ipynb...",
		summary: "run notebooks headless, cell by cell, and print their outputs under [N]: marks; --inplace writes " +
			"the outputs back, --output FILE writes the executed notebook to FILE " +
			"(exit status 1 when a cell not tagged raises-exception fails)",
		run: runNotebooks,
	})
}

// newRunSession returns the session a notebook runs in, set up as the
// kernel's is: cells can start processes, which run in `gopherlab worker`.
func newRunSession() (*session.Session, error) {
	sess, err := session.New(session.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := sess.EnableProcesses(worker.SelfCommand); err != nil {
		return nil, err
	}
	return sess, nil
}

func runNotebooks(args []string) error {
	fs := newFlagSet("run")
	inplace := fs.Bool("inplace", false, "write the outputs back into each notebook")
	output := fs.String("output", "", "write the executed notebook to this file (one notebook only)")
	keepGoing := fs.Bool("keep-going", false, "run the remaining cells after a cell fails")
	timeout := fs.Duration("timeout", 0, "interrupt a cell that runs longer than this (0: no limit)")
	quiet := fs.Bool("quiet", false, "print only failures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"want at least one notebook"}
	}
	if *output != "" && *inplace {
		return usageError{"use --inplace or --output, not both"}
	}
	if *output != "" && fs.NArg() > 1 {
		return usageError{"--output takes one notebook"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if fs.NArg() > 1 {
		return runEach(ctx, args[:len(args)-fs.NArg()], fs.Args(), *quiet)
	}
	var stdout io.Writer = os.Stdout
	if *quiet {
		stdout = nil
	}
	dest := *output
	if *inplace {
		dest = fs.Arg(0)
	}
	err := runNotebook(ctx, fs.Arg(0), dest, notebook.Options{
		Stdout:      stdout,
		Stderr:      os.Stderr,
		KeepGoing:   *keepGoing,
		CellTimeout: *timeout,
		Marks:       true,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	return nil
}

// runEach runs each notebook in a process of its own, as each would have a
// kernel of its own: processes, locks and names they start are per program.
func runEach(ctx context.Context, flags, names []string, quiet bool) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var failed []string
	for _, name := range names {
		if !quiet {
			fmt.Printf("==> %s <==\n", name)
		}
		cmd := exec.CommandContext(ctx, exe, append(append([]string{"run"}, flags...), name)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
		cmd.WaitDelay = 10 * time.Second
		if err := cmd.Run(); err != nil {
			failed = append(failed, name)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted")
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d notebooks failed: %s", len(failed), len(names), strings.Join(failed, " "))
	}
	return nil
}

// runNotebook runs one notebook in a fresh session, as a kernel would, and
// writes the executed notebook to dest unless dest is "".
func runNotebook(ctx context.Context, name, dest string, opts notebook.Options) error {
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
	if dest != "" && !errors.Is(runErr, context.Canceled) {
		if err := notebook.WriteFile(dest, nb); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return runErr
}

// closeSession ends the session and what it started, giving up after a
// while: interrupts are cooperative, and a stuck cell must not stop the run.
func closeSession(s *session.Session) {
	done := make(chan struct{})
	go func() {
		s.CloseProcesses()
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}
