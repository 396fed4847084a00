package session

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// This file connects the session to kernel/worker, so that functions cells
// declare can run in child processes (mp.NewProcess). It only uses the
// session's public hooks.

// launchers holds the processes state of each session with processes
// enabled.
var launchers sync.Map // *Session -> *procState

// procState is a session's launcher and the watch of its running cell.
type procState struct {
	l    *worker.Launcher
	mu   sync.Mutex
	stop chan struct{} // closed when the running cell ends
}

// EnableProcesses lets cells start processes: the target of mp.NewProcess,
// a function a cell declared, runs in a worker that cmd starts (for the
// gopherlab binary, [worker.SelfCommand]: `gopherlab worker`). Children's
// output goes to the cell that started them, also after the cell ends (for
// daemons); a cell ends when its code has returned and its non-daemon
// processes have exited; an interrupted cell stops its processes.
//
// The launcher is process-wide (mp.SetLauncher): the last session to call
// EnableProcesses owns it. Close the returned launcher, or call
// [Session.CloseProcesses], when the session ends; the workers also die
// with the process.
func (s *Session) EnableProcesses(cmd func() *exec.Cmd) (*worker.Launcher, error) {
	if err := s.in.Use(worker.Symbols); err != nil {
		return nil, fmt.Errorf("session: enable processes: %w", err)
	}
	l := worker.NewLauncher(cmd, s.Source)
	l.SetInterp(s.in)
	l.UseCompiler() // when it cannot, workers are interpreted
	ps := &procState{l: l}
	s.OnCellStart(func() {
		out, _ := s.route.current()
		l.CellStart(cellStream{out, "stdout"}, cellStream{out, "stderr"})
		stop := make(chan struct{})
		ps.mu.Lock()
		ps.stop = stop
		ps.mu.Unlock()
		go s.watchProcesses(l, stop)
	})
	s.OnCellEnd(func(ctx context.Context) error {
		ps.mu.Lock()
		if ps.stop != nil {
			close(ps.stop)
			ps.stop = nil
		}
		ps.mu.Unlock()
		err := l.CellDone(ctx)
		if err == nil {
			return nil
		}
		// "stopped Process-1 (pid 42), ...": when the cell's own code was
		// interrupted too, its error is the one shown and this goes to the
		// cell's standard error (Session.OnCellEnd).
		msg := strings.TrimPrefix(err.Error(), "interrupted: ") + ": still running when the cell was interrupted"
		return &Error{Name: ErrInterrupted, Value: msg, Traceback: []string{ErrInterrupted + ": " + msg}}
	})
	if old, ok := launchers.Swap(s, ps); ok {
		old.(*procState).l.Close()
	}
	mp.SetLauncher(l)
	return l, nil
}

// CloseProcesses ends every process the session's cells started and the
// worker kept ready, and stops starting new ones. It is for Close.
func (s *Session) CloseProcesses() error {
	l, ok := launchers.LoadAndDelete(s)
	if !ok {
		return nil
	}
	return l.(*procState).l.Close()
}

// watchProcesses tells the deadlock detector, while child processes run,
// that the cell may be woken: a cell blocked in Join, or on a Queue, waits
// for another process, not for ever.
func (s *Session) watchProcesses(l *worker.Launcher, stop chan struct{}) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if l.Running() > 0 {
			s.timers.add(300 * time.Millisecond)
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// processCell marks the targets of mp.NewProcess calls in code (a cell's
// declarations or statements, after the type check, which does not know the
// marks) with their names, so that a target that cannot run in a child is
// refused with the name it was written with (cells work without it: the
// launcher recognises top-level functions by their declaration), and makes
// the errors of mp calls whose results the cell drops show on its stderr
// with the cell's line (worker.RewriteCell).
func (s *Session) processCell(code string) string {
	if _, ok := launchers.Load(s); !ok {
		return code
	}
	return worker.RewriteCell(code, s.Source(), s.cellNumber())
}

// cellStream writes to one stream of a cell's Output, whichever cell runs.
type cellStream struct {
	out  Output
	name string
}

func (w cellStream) Write(p []byte) (int, error) {
	if w.out != nil && len(p) > 0 {
		w.out.Stream(w.name, string(p))
	}
	return len(p), nil
}
