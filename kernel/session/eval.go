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
	if !s.stopOK {
		return s.in.EvalWithContext(ctx, src)
	}
	if err := ctx.Err(); err != nil {
		return reflect.Value{}, err
	}
	stop := s.stopper.arm()
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
		return v, err
	case <-ctx.Done():
	}
	for range 5 {
		stop()
		select {
		case <-finished:
			return reflect.Value{}, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.abandoned = finished
	return reflect.Value{}, ctx.Err()
}

// waitAbandoned waits for an interrupted evaluation still running, for a
// while: one blocked for good (a sync.Mutex locked twice) is left behind.
func (s *Session) waitAbandoned() {
	if s.abandoned == nil {
		return
	}
	select {
	case <-s.abandoned:
	case <-time.After(time.Second):
	}
	s.abandoned = nil
}
