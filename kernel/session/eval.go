package session

import (
	"context"
	"reflect"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/traefik/yaegi/interp"
)

// eval evaluates src in the interpreter; cancelling ctx stops it. Unlike
// interp.EvalWithContext it waits a little for a stopped evaluation to
// end, and the next evaluation waits for it, so that two never overlap
// unless one is stuck for good in compiled code.
func (s *Session) eval(ctx context.Context, src string) (reflect.Value, error) {
	s.waitAbandoned()
	if err := s.useImports(src); err != nil {
		return reflect.Value{}, err
	}
	if !s.stopOK {
		return s.in.EvalWithContext(ctx, src)
	}
	if err := ctx.Err(); err != nil {
		return reflect.Value{}, err
	}
	stop := s.stopper.arm()
	parked := make(chan struct{})
	s.cancelMu.Lock()
	s.evalStop, s.evalParked = stop, parked
	s.cancelMu.Unlock()
	defer func() {
		s.cancelMu.Lock()
		s.evalStop, s.evalParked = nil, nil
		s.cancelMu.Unlock()
	}()
	finished := make(chan struct{})
	var v reflect.Value
	var err error
	go func() {
		defer func() {
			if r := recover(); r != nil {
				var pc [64]uintptr
				n := runtime.Callers(1, pc[:])
				err = interp.Panic{Value: r, Callers: pc[:n], Stack: debug.Stack()}
			}
			close(finished)
		}()
		v, err = s.in.Eval(src)
	}()
	select {
	case <-finished:
		if ctx.Err() != nil {
			// Stopped: the evaluation may have ended early because of it.
			s.stopped = true
			return reflect.Value{}, ctx.Err()
		}
		return v, err
	case <-ctx.Done():
	}
	s.stopped = true
	for range 5 {
		stop()
		select {
		case <-finished:
			return reflect.Value{}, ctx.Err()
		case <-parked:
			return reflect.Value{}, ctx.Err() // os.Exit: it never finishes
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.abandoned = finished
	return reflect.Value{}, ctx.Err()
}

// waitAbandoned waits, for a while, for an interrupted evaluation still
// running and for the goroutines of the stopped cell: one blocked for good
// in compiled code is left behind.
func (s *Session) waitAbandoned() {
	if s.stopped {
		// The goroutines of the stopped cell end at their next step;
		// wait for them so that they are done with the interpreter.
		s.stopped = false
		s.live.wait(time.Second)
	}
	if s.abandoned == nil {
		return
	}
	select {
	case <-s.abandoned:
	case <-time.After(time.Second):
	}
	s.abandoned = nil
}
